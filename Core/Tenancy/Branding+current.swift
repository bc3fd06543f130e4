import Logging
import PostgresNIO

extension Branding {
    /// The branding of the tenant bound to `connection` (its name when none is stored); `nil` without a tenant.
    public static func current(on connection: PostgresConnection, logger: Logger) async throws -> Branding? {
        let rows = try await connection.checkedQuery("SELECT name, branding::text FROM tenants WHERE id = glavito_current_tenant()", logger: logger)
        for try await (name, text) in rows.decode((String, String).self) {
            return (try? JSONCoding.decode(Branding.self, from: text)) ?? Branding(displayName: name)
        }
        return nil
    }
}
