import Foundation
import Logging
import PostgresNIO

/// Splitting a message off into a new ticket, merging one ticket into another, and undoing either, each in the
/// caller's transaction with its events. Mail to a merged ticket follows it to the ticket it was merged into.
public struct TicketMoves: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates the moves of `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    static let columns = "id, kind, source_ticket_id, target_ticket_id, message_ids, moved_by, moved_at, undone_at"

    func decode(_ rows: PostgresRowSequence) async throws -> [TicketMove] {
        var out: [TicketMove] = []
        for try await r in rows.decode((UUID, String, UUID, UUID, [UUID], String, Date, Date?).self) {
            out.append(TicketMove(id: r.0, kind: r.1, sourceTicketID: r.2, targetTicketID: r.3, messageIDs: r.4, movedBy: r.5, movedAt: r.6,
                                  undoneAt: r.7))
        }
        return out
    }

    /// Moves `message` (a customer's or agent's message, not a note's reply chain) out of its ticket into a new
    /// ticket of the same contact and channel.
    public func split(message: UUID, actor: String, on connection: PostgresConnection, logger: Logger) async throws -> TicketMove {
        let found = try await MessageStore(tenant: tenant).get(message, on: connection, logger: logger)
        let tickets = TicketStore(tenant: tenant)
        let source = try await tickets.get(found.ticketID, forUpdate: true, on: connection, logger: logger)
        let remaining = try await count("SELECT count(*) FROM messages WHERE ticket_id = \(source.id) AND id <> \(message)", on: connection, logger: logger)
        guard remaining > 0 else { throw ConversationError.conflict("the message is the ticket's only message; nothing to split from") }
        let subject = found.content.objectValue["subject"].flatMap { if case .string(let text) = $0 { text } else { nil } } ?? source.subject
        let created = try await TicketStore.decode(try await connection.checkedQuery("""
            INSERT INTO tickets (tenant_id, contact_id, subject, priority, channel, last_channel, last_channel_account_id, email_token,
                                 last_message_at, last_inbound_at)
            VALUES (\(tenant.rawValue), \(found.contactID), \(String(EmailTicketPlacement.cleanSubject(subject).prefix(200))), \(source.priority),
                    \(found.channel.rawValue), \(found.channel.rawValue), \(found.channelAccountID),
                    \(found.channel == .email ? EmailTokens.make() : nil), \(found.sentAt),
                    \(found.direction == "inbound" ? found.sentAt : nil))
            RETURNING \(unescaped: TicketStore.columns)
            """, logger: logger))
        guard let target = created.first else { throw ConversationError.notFound("the new ticket was not stored") }
        try await connection.checkedQuery("UPDATE messages SET ticket_id = \(target.id) WHERE id = \(message)", logger: logger)
        let move = try await record("split", source: source, target: target.id, messages: [message], actor: actor, on: connection, logger: logger)
        let events = ConversationEvents(tenant: tenant, actor: actor)
        try await events.ticket("ticket.created", target, ["channel": found.channel.rawValue, "split_from": source.id.uuidString.lowercased()],
                                on: connection, logger: logger)
        try await events.ticket("ticket.split", source, ["move_id": move.id.uuidString.lowercased(), "new_ticket_id": target.id.uuidString.lowercased(),
                                                         "message_id": message.uuidString.lowercased()], on: connection, logger: logger)
        return move
    }

    /// Moves every message of `source` into `target`; `source` is closed and marked merged into `target`.
    public func merge(_ source: UUID, into target: UUID, actor: String, on connection: PostgresConnection, logger: Logger) async throws -> TicketMove {
        guard source != target else { throw ConversationError.invalid("a ticket cannot be merged into itself") }
        let tickets = TicketStore(tenant: tenant)
        // Lock both in id order so two opposite merges cannot deadlock.
        for id in [source, target].sorted(by: UUID.lockOrder) {
            _ = try await tickets.get(id, forUpdate: true, on: connection, logger: logger)
        }
        let from = try await tickets.get(source, on: connection, logger: logger)
        let into = try await tickets.get(target, on: connection, logger: logger)
        guard try await count("SELECT count(*) FROM tickets WHERE id IN (\(source), \(target)) AND merged_into IS NOT NULL",
                              on: connection, logger: logger) == 0 else {
            throw ConversationError.conflict("a merged ticket cannot take part in another merge; undo the merge first")
        }
        var moved: [UUID] = []
        let rows = try await connection.checkedQuery("UPDATE messages SET ticket_id = \(target) WHERE ticket_id = \(source) RETURNING id", logger: logger)
        for try await id in rows.decode(UUID.self) { moved.append(id) }
        try await connection.checkedQuery("""
            UPDATE tickets SET status = 'closed', closed_at = now(), merged_into = \(target), updated_at = now() WHERE id = \(source)
            """, logger: logger)
        try await connection.checkedQuery("""
            UPDATE tickets SET last_message_at = greatest(last_message_at, \(from.lastMessageAt)), updated_at = now() WHERE id = \(target)
            """, logger: logger)
        let move = try await record("merge", source: from, target: target, messages: moved, actor: actor, on: connection, logger: logger)
        let events = ConversationEvents(tenant: tenant, actor: actor)
        let data = ["move_id": move.id.uuidString.lowercased(), "source_ticket_id": source.uuidString.lowercased(),
                    "target_ticket_id": target.uuidString.lowercased()]
        try await events.ticket("ticket.merged", from, data, on: connection, logger: logger)
        try await events.ticket("ticket.merged", into, data, on: connection, logger: logger)
        return move
    }

    /// Puts a split or merge back: the messages return to their ticket; a merged ticket gets its status back; a
    /// ticket made by a split is closed and points back, when nothing else was added to it (else the undo is refused).
    public func undo(_ id: UUID, actor: String, on connection: PostgresConnection, logger: Logger) async throws -> TicketMove {
        let rows = try await connection.checkedQuery("""
            SELECT \(unescaped: Self.columns), source_status FROM ticket_moves WHERE id = \(id) FOR UPDATE
            """, logger: logger)
        var found: (TicketMove, String)?
        for try await r in rows.decode((UUID, String, UUID, UUID, [UUID], String, Date, Date?, String).self) {
            found = (TicketMove(id: r.0, kind: r.1, sourceTicketID: r.2, targetTicketID: r.3, messageIDs: r.4, movedBy: r.5, movedAt: r.6,
                                undoneAt: r.7), r.8)
        }
        guard let (move, sourceStatus) = found else { throw ConversationError.notFound("no ticket move \(id.uuidString.lowercased()) in this workspace") }
        guard move.undoneAt == nil else { throw ConversationError.conflict("this \(move.kind) was already undone") }
        if move.kind == "split" {
            let added = try await count("SELECT count(*) FROM messages WHERE ticket_id = \(move.targetTicketID) AND NOT (id = ANY(\(move.messageIDs)))",
                                        on: connection, logger: logger)
            guard added == 0 else { throw ConversationError.conflict("the ticket made by the split has new messages; merge it back instead") }
        }
        try await connection.checkedQuery("""
            UPDATE messages SET ticket_id = \(move.sourceTicketID) WHERE id = ANY(\(move.messageIDs)) AND ticket_id = \(move.targetTicketID)
            """, logger: logger)
        if move.kind == "merge" {
            try await connection.checkedQuery("""
                UPDATE tickets SET status = \(sourceStatus), merged_into = NULL, closed_at = CASE WHEN \(sourceStatus) = 'closed' THEN closed_at END,
                                   updated_at = now()
                WHERE id = \(move.sourceTicketID)
                """, logger: logger)
        }
        try await connection.checkedQuery("UPDATE ticket_moves SET undone_by = \(actor), undone_at = now() WHERE id = \(id)", logger: logger)
        let events = ConversationEvents(tenant: tenant, actor: actor)
        let tickets = TicketStore(tenant: tenant)
        let data = ["move_id": id.uuidString.lowercased(), "kind": move.kind]
        try await events.ticket("ticket.move_undone", try await tickets.get(move.sourceTicketID, on: connection, logger: logger), data,
                                on: connection, logger: logger)
        if move.kind == "split" {
            // The emptied ticket stays (its history and this record refer to it), closed and pointing back.
            try await connection.checkedQuery("""
                UPDATE tickets SET status = 'closed', closed_at = now(), merged_into = \(move.sourceTicketID), updated_at = now()
                WHERE id = \(move.targetTicketID)
                """, logger: logger)
        }
        try await events.ticket("ticket.move_undone", try await tickets.get(move.targetTicketID, on: connection, logger: logger), data,
                                on: connection, logger: logger)
        var undone = move
        undone.undoneAt = Date()
        return undone
    }

    func record(_ kind: String, source: Ticket, target: UUID, messages: [UUID], actor: String, on connection: PostgresConnection,
                logger: Logger) async throws -> TicketMove {
        let rows = try await connection.checkedQuery("""
            INSERT INTO ticket_moves (tenant_id, kind, source_ticket_id, target_ticket_id, message_ids, source_status, moved_by)
            VALUES (\(tenant.rawValue), \(kind), \(source.id), \(target), \(messages), \(source.status), \(actor))
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let move = try await decode(rows).first else { throw ConversationError.notFound("the move was not recorded") }
        return move
    }

    func count(_ sql: PostgresQuery, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.checkedQuery(sql, logger: logger)
        for try await value in rows.decode(Int.self) { return value }
        return 0
    }
}
