import Foundation
import PostgresNIO

/// Reads of one tenant's own record, as the application role under row-level security.
public struct TenantRepository: Sendable {
    let database: Database
    /// The tenant this repository is built for.
    public let tenant: TenantID

    /// Creates a repository for one tenant.
    public init(database: Database, tenant: TenantID) {
        self.database = database
        self.tenant = tenant
    }

    /// The tenant's record, or `nil` if it is not visible (which under RLS means: not this tenant).
    public func load() async throws -> Tenant? {
        let logger = database.logger
        return try await database.withTenantTransaction(tenant) { connection in
            let rows = try await connection.checkedQuery("""
                SELECT t.id, t.slug, t.name, t.status, t.plan, t.branding::text, t.settings::text,
                       coalesce(array(SELECT d.domain FROM tenant_domains d WHERE d.tenant_id = t.id ORDER BY d.domain), '{}')
                FROM tenants t
                WHERE t.id = \(tenant.rawValue)
                """, logger: logger)
            for try await row in rows.decode(TenantRow.Columns.self) {
                return try TenantRow.tenant(from: row)
            }
            return nil
        }
    }
}
