import Foundation
import Logging
import PostgresNIO

/// A prepared answer agents insert into the composer; `{{contact.name}}`, `{{agent.name}}` and
/// `{{ticket.subject}}` in its body are filled in by the workspace.
public struct CannedResponse: Sendable, Equatable, Codable {
    public var id: UUID?
    /// What an agent types after `/` to find it: lower-case letters, digits, `-` and `_`.
    public var shortcut: String
    public var title: String
    public var body: String

    public init(id: UUID? = nil, shortcut: String, title: String, body: String) {
        self.id = id
        self.shortcut = shortcut
        self.title = title
        self.body = body
    }

    /// Why it cannot be saved, or `nil`.
    public var problem: String? {
        guard !shortcut.isEmpty, shortcut.utf8.count <= 40,
              shortcut.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            return "the shortcut must have 1 to 40 of a-z, 0-9, - and _"
        }
        if title.trimmingCharacters(in: .whitespaces).isEmpty || title.count > 120 { return "the title must have 1 to 120 characters" }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || body.count > 5000 { return "the body must have 1 to 5,000 characters" }
        return nil
    }
}

/// A tenant's canned responses (`canned_responses`).
public struct CannedResponseStore: Sendable {
    public let tenant: TenantID

    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [CannedResponse] {
        let rows = try await connection.query("""
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
        let rows = try await connection.query("""
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
        let rows = try await connection.query("""
            DELETE FROM canned_responses WHERE tenant_id = \(tenant.rawValue) AND id = \(id) RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
