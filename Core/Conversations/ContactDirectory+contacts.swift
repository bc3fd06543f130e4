import Foundation
import Logging
import PostgresNIO

extension ContactDirectory {
    /// One contact with its identities.
    public func contact(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Contact {
        let rows = try await connection.checkedQuery("""
            SELECT id, display_name, attributes::text, merged_into, created_at, updated_at FROM contacts WHERE id = \(id)
            """, logger: logger)
        for try await r in rows.decode((UUID, String, String, UUID?, Date, Date).self) {
            return Contact(id: r.0, displayName: r.1, attributes: JSONValue.parse(r.2).objectValue, mergedInto: r.3,
                           identities: try await identities(of: id, on: connection, logger: logger), createdAt: r.4, updatedAt: r.5)
        }
        throw ConversationError.notFound("no contact \(id.uuidString.lowercased()) in this workspace")
    }

    /// Changes a contact's name and custom attributes (merged key by key; null removes a key).
    public func update(_ id: UUID, displayName: String?, attributes: [String: JSONValue]?, on connection: PostgresConnection,
                       logger: Logger) async throws -> Contact {
        var current = try await contact(id, on: connection, logger: logger)
        if let displayName {
            guard displayName.count <= 200 else { throw ConversationError.invalid("display_name must be at most 200 characters") }
            current.displayName = displayName
        }
        for (key, value) in attributes ?? [:] {
            guard (1...100).contains(key.count) else { throw ConversationError.invalid("attribute names must be 1 to 100 characters") }
            current.attributes[key] = value == .null ? nil : value
        }
        try await connection.checkedQuery("""
            UPDATE contacts SET display_name = \(current.displayName), attributes = \(try JSONCoding.encode(current.attributes))::jsonb,
                                updated_at = now()
            WHERE id = \(id)
            """, logger: logger)
        return try await contact(id, on: connection, logger: logger)
    }

    /// Merges `source` into `target`: its identities, tickets and messages move over and `source` is marked merged.
    /// Both contacts get a `contact.merged` event; the merge is recorded so ``undoMerge(_:actor:on:logger:)`` can
    /// put everything back.
    public func merge(_ source: UUID, into target: UUID, actor: String, on connection: PostgresConnection,
                      logger: Logger) async throws -> ContactMerge {
        guard source != target else { throw ConversationError.invalid("a contact cannot be merged into itself") }
        let locked = try await connection.checkedQuery("""
            SELECT id, merged_into FROM contacts WHERE id IN (\(source), \(target)) ORDER BY id FOR UPDATE
            """, logger: logger)
        var found: [UUID: UUID?] = [:]
        for try await (id, mergedInto) in locked.decode((UUID, UUID?).self) { found[id] = mergedInto }
        guard found.count == 2 else { throw ConversationError.notFound("both contacts must exist in this workspace") }
        guard found[source] == .some(nil), found[target] == .some(nil) else {
            throw ConversationError.conflict("a contact that is already merged cannot take part in another merge")
        }
        let identityIDs = try await ids("UPDATE contact_identities SET contact_id = \(target) WHERE contact_id = \(source) RETURNING id",
                                        on: connection, logger: logger)
        let ticketIDs = try await ids("UPDATE tickets SET contact_id = \(target), updated_at = now() WHERE contact_id = \(source) RETURNING id",
                                      on: connection, logger: logger)
        let messageIDs = try await ids("UPDATE messages SET contact_id = \(target) WHERE contact_id = \(source) RETURNING id",
                                       on: connection, logger: logger)
        try await connection.checkedQuery("UPDATE channel_windows SET contact_id = \(target) WHERE contact_id = \(source)", logger: logger)
        try await connection.checkedQuery("UPDATE contacts SET merged_into = \(target), updated_at = now() WHERE id = \(source)", logger: logger)
        let id = UUID()
        let rows = try await connection.checkedQuery("""
            INSERT INTO contact_merges (tenant_id, id, target_contact_id, source_contact_id, identity_ids, ticket_ids, message_ids, merged_by)
            VALUES (\(tenant.rawValue), \(id), \(target), \(source), \(identityIDs), \(ticketIDs), \(messageIDs), \(actor))
            RETURNING merged_at
            """, logger: logger)
        var mergedAt = Date()
        for try await value in rows.decode(Date.self) { mergedAt = value }
        let events = ConversationEvents(tenant: tenant, actor: actor)
        let data = ["merge_id": id.uuidString.lowercased(), "source_contact_id": source.uuidString.lowercased(),
                    "target_contact_id": target.uuidString.lowercased()]
        try await events.contact("contact.merged", target, data, on: connection, logger: logger)
        try await events.contact("contact.merged", source, data, on: connection, logger: logger)
        return ContactMerge(id: id, targetContactID: target, sourceContactID: source, identityIDs: identityIDs, ticketIDs: ticketIDs,
                            mergedAt: mergedAt, undoneAt: nil)
    }

    /// Undoes a merge: the identities, tickets and messages it moved go back to the source contact, which is no
    /// longer merged. Identities linked to the target after the merge stay there.
    public func undoMerge(_ id: UUID, actor: String, on connection: PostgresConnection, logger: Logger) async throws -> ContactMerge {
        let rows = try await connection.checkedQuery("""
            SELECT target_contact_id, source_contact_id, identity_ids, ticket_ids, message_ids, merged_at, undone_at
            FROM contact_merges WHERE id = \(id) FOR UPDATE
            """, logger: logger)
        var record: (UUID, UUID, [UUID], [UUID], [UUID], Date, Date?)?
        for try await r in rows.decode((UUID, UUID, [UUID], [UUID], [UUID], Date, Date?).self) { record = r }
        guard let (target, source, identityIDs, ticketIDs, messageIDs, mergedAt, undoneAt) = record else {
            throw ConversationError.notFound("no merge \(id.uuidString.lowercased()) in this workspace")
        }
        guard undoneAt == nil else { throw ConversationError.conflict("this merge was already undone") }
        try await connection.checkedQuery("""
            UPDATE contact_identities SET contact_id = \(source) WHERE id = ANY(\(identityIDs)) AND contact_id = \(target)
            """, logger: logger)
        try await connection.checkedQuery("""
            UPDATE tickets SET contact_id = \(source), updated_at = now() WHERE id = ANY(\(ticketIDs)) AND contact_id = \(target)
            """, logger: logger)
        try await connection.checkedQuery("""
            UPDATE messages SET contact_id = \(source) WHERE id = ANY(\(messageIDs)) AND contact_id = \(target)
            """, logger: logger)
        try await connection.checkedQuery("""
            UPDATE channel_windows w SET contact_id = \(source)
            WHERE w.contact_id = \(target) AND w.identity_id = ANY(\(identityIDs))
            """, logger: logger)
        try await connection.checkedQuery("UPDATE contacts SET merged_into = NULL, updated_at = now() WHERE id = \(source)", logger: logger)
        try await connection.checkedQuery("UPDATE contact_merges SET undone_at = now(), undone_by = \(actor) WHERE id = \(id)", logger: logger)
        let events = ConversationEvents(tenant: tenant, actor: actor)
        let data = ["merge_id": id.uuidString.lowercased(), "source_contact_id": source.uuidString.lowercased(),
                    "target_contact_id": target.uuidString.lowercased()]
        try await events.contact("contact.merge_undone", target, data, on: connection, logger: logger)
        try await events.contact("contact.merge_undone", source, data, on: connection, logger: logger)
        return ContactMerge(id: id, targetContactID: target, sourceContactID: source, identityIDs: identityIDs, ticketIDs: ticketIDs,
                            mergedAt: mergedAt, undoneAt: Date())
    }

    func ids(_ query: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        let rows = try await connection.checkedQuery(query, logger: logger)
        var out: [UUID] = []
        for try await id in rows.decode(UUID.self) { out.append(id) }
        return out
    }
}
