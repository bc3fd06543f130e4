import Foundation
import Logging
import PostgresNIO

/// A tenant's canned responses (`canned_responses`).
public struct CannedResponseStore: Sendable {
    public let tenant: TenantID

    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [CannedResponse] {
        let rows = try await connection.checkedQuery("""
            SELECT id, shortcut, title, body FROM canned_responses
            WHERE tenant_id = \(tenant.rawValue)
            ORDER BY shortcut
            """, logger: logger)
        var out: [CannedResponse] = []
        for try await (id, shortcut, title, body) in rows.decode((UUID, String, String, String).self) {
            out.append(CannedResponse(id: id, shortcut: shortcut, title: title, body: body))
        }
        return out
    }

    /// Stores a new response; throws ``ConversationError/invalid(_:)`` for bad input and
    /// ``ConversationError/conflict(_:)`` when the shortcut is taken.
    public func create(_ response: CannedResponse, on connection: PostgresConnection, logger: Logger) async throws -> CannedResponse {
        if let problem = response.problem { throw ConversationError.invalid(problem) }
        let rows = try await connection.checkedQuery("""
            INSERT INTO canned_responses (tenant_id, shortcut, title, body)
            VALUES (\(tenant.rawValue), \(response.shortcut), \(response.title), \(response.body))
            ON CONFLICT (tenant_id, shortcut) DO NOTHING
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) {
            var created = response
            created.id = id
            return created
        }
        throw ConversationError.conflict("a canned response with the shortcut \(response.shortcut) exists")
    }

    public func delete(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            DELETE FROM canned_responses WHERE tenant_id = \(tenant.rawValue) AND id = \(id) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
