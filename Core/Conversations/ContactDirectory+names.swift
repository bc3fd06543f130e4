import Foundation
import Logging
import PostgresNIO

extension ContactDirectory {
    /// The display names of `ids` (the ones that have one), for lists that show whose ticket is whose.
    public func displayNames(_ ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws -> [UUID: String] {
        guard !ids.isEmpty else { return [:] }
        let rows = try await connection.checkedQuery("""
            SELECT id, display_name FROM contacts
            WHERE tenant_id = \(tenant.rawValue) AND id = ANY(\(ids)::uuid[]) AND display_name <> ''
            """, logger: logger)
        var out: [UUID: String] = [:]
        for try await (id, name) in rows.decode((UUID, String).self) { out[id] = name }
        return out
    }
}
