import Foundation
import Logging
import PostgresNIO

/// Each agent's saved inbox filters (`saved_filters`); an agent sees and changes only their own.
public struct SavedFilterStore: Sendable {
    public let tenant: TenantID
    public let user: UUID

    public init(tenant: TenantID, user: UUID) {
        self.tenant = tenant
        self.user = user
    }

    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [SavedFilter] {
        let rows = try await connection.checkedQuery("""
            SELECT id, name, view, filters::text FROM saved_filters WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user) ORDER BY name
            """, logger: logger)
        var out: [SavedFilter] = []
        for try await (id, name, view, filters) in rows.decode((UUID, String, String, String).self) {
            out.append(SavedFilter(id: id, name: name, view: view, filters: (try? JSONCoding.decode([String: String].self, from: filters)) ?? [:]))
        }
        return out
    }

    /// Saves `filter` (replacing one of the same name).
    public func save(_ filter: SavedFilter, on connection: PostgresConnection, logger: Logger) async throws -> SavedFilter {
        if let problem = filter.problem { throw ConversationError.invalid(problem) }
        let name = filter.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let values = filter.filters.filter { !$0.value.isEmpty }
        let rows = try await connection.checkedQuery("""
            INSERT INTO saved_filters (tenant_id, user_id, name, view, filters)
            VALUES (\(tenant.rawValue), \(user), \(name), \(filter.view), \(try JSONCoding.encode(values))::jsonb)
            ON CONFLICT (tenant_id, user_id, name) DO UPDATE SET view = excluded.view, filters = excluded.filters
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return SavedFilter(id: id, name: name, view: filter.view, filters: values) }
        throw ConversationError.notFound("the filter was not saved")
    }

    public func delete(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            DELETE FROM saved_filters WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user) AND id = \(id) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
