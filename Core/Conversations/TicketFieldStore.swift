import Foundation
import Logging
import PostgresNIO

/// A tenant's custom field definitions of one entity (`ticket_fields`, tickets' and contacts'), and the check of a
/// record's values against them.
public struct TicketFieldStore: Sendable {
    public let tenant: TenantID
    /// `ticket` or `contact`.
    public let entity: String

    public init(tenant: TenantID, entity: String = "ticket") {
        self.tenant = tenant
        self.entity = entity
    }

    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [TicketField] {
        let rows = try await connection.checkedQuery("""
            SELECT key, label, type, required, pattern, options FROM ticket_fields
            WHERE tenant_id = \(tenant.rawValue) AND entity = \(entity)
            ORDER BY position, key
            """, logger: logger)
        var out: [TicketField] = []
        for try await (key, label, type, required, pattern, options) in rows.decode((String, String, String, Bool, String?, [String]).self) {
            out.append(TicketField(key: key, label: label, type: type, required: required, pattern: pattern, options: options, entity: entity))
        }
        return out
    }

    /// Creates or replaces the field `field.key`; throws ``ConversationError/invalid(_:)`` for a bad definition.
    public func save(_ field: TicketField, on connection: PostgresConnection, logger: Logger) async throws -> TicketField {
        var field = field
        field.entity = entity
        if let problem = field.definitionProblem { throw ConversationError.invalid(problem) }
        try await connection.checkedQuery("""
            INSERT INTO ticket_fields (tenant_id, entity, key, label, type, required, pattern, options, position)
            VALUES (\(tenant.rawValue), \(entity), \(field.key), \(field.label), \(field.type), \(field.required), \(field.pattern), \(field.options),
                    (SELECT coalesce(max(position), 0) + 1 FROM ticket_fields WHERE tenant_id = \(tenant.rawValue) AND entity = \(entity)))
            ON CONFLICT (tenant_id, entity, key) DO UPDATE
            SET label = EXCLUDED.label, type = EXCLUDED.type, required = EXCLUDED.required, pattern = EXCLUDED.pattern,
                options = EXCLUDED.options
            """, logger: logger)
        return field
    }

    public func delete(_ key: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            DELETE FROM ticket_fields WHERE tenant_id = \(tenant.rawValue) AND entity = \(entity) AND key = \(key) RETURNING key
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return true }
        return false
    }

    /// Throws ``ConversationError/invalid(_:)`` with the first problem of `changes` (values merged key by key; a
    /// JSON null removes one) against the tenant's definitions: unknown keys (unless `allowUndefined`: contacts keep
    /// free attributes beside their fields), wrong types, patterns, options, and required fields being removed.
    public func check(_ changes: [String: JSONValue], allowUndefined: Bool = false, on connection: PostgresConnection,
                      logger: Logger) async throws {
        let fields = Dictionary(uniqueKeysWithValues: try await list(on: connection, logger: logger).map { ($0.key, $0) })
        for key in changes.keys.sorted() {
            guard let field = fields[key] else {
                if allowUndefined { continue }
                throw ConversationError.invalid("there is no custom field \(key)")
            }
            if let problem = field.problem(with: changes[key]) { throw ConversationError.invalid(problem) }
        }
    }
}
