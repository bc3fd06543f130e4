import Foundation
import PostgresNIO

/// Finds the tenant a request is for from its Host header, as the application role.
///
/// `<slug>.<base domain>` and each tenant's custom domains resolve; the port is ignored. The lookup goes through the
/// `glavito_resolve_tenant` database function, which returns one tenant's id and nothing else.
public struct TenantResolver: Sendable {
    let database: Database
    let baseDomain: String

    /// Creates a resolver for tenants under `baseDomain`.
    public init(database: Database, baseDomain: String) {
        self.database = database
        self.baseDomain = baseDomain.lowercased()
    }

    /// The tenant of `host`, or `nil` when no active or suspended tenant is served there.
    public func resolve(host: String) async throws -> (id: TenantID, slug: String, status: Tenant.Status)? {
        let name = Self.hostName(host)
        guard !name.isEmpty else { return nil }
        let base = baseDomain
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery(
                "SELECT id, slug, status FROM glavito_resolve_tenant(\(name), \(base))", logger: database.logger
            )
            for try await (id, slug, status) in rows.decode((UUID, String, String).self) {
                return (TenantID(id), slug, Tenant.Status(rawValue: status) ?? .suspended)
            }
            return nil
        }
    }

    /// The host name of a Host header value, lowercased, without port or trailing dot.
    static func hostName(_ host: String) -> String {
        var name = host.trimmingWhitespace().lowercased()
        if name.hasPrefix("[") { return "" }
        if let colon = name.lastIndex(of: ":") { name = String(name[..<colon]) }
        if name.hasSuffix(".") { name.removeLast() }
        return name
    }
}
