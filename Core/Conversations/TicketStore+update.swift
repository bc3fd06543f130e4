import Foundation
import Logging
import PostgresNIO

extension TicketStore {
    /// Applies `changes` and appends an event per kind of change (`ticket.status_changed`, `ticket.assigned`,
    /// `ticket.updated`). Returns the ticket after the change.
    public func update(_ id: UUID, _ changes: TicketChanges, actor: String, requestID: String? = nil,
                       on connection: PostgresConnection, logger: Logger) async throws -> Ticket {
        try changes.validate()
        if let team = changes.team, !changes.clearTeam, !(try await TeamStore(tenant: tenant).missing([team], on: connection, logger: logger).isEmpty) {
            throw ConversationError.unknownTeam(team)
        }
        let before = try await get(id, forUpdate: true, on: connection, logger: logger)
        var fields = before.customFields
        for (key, value) in changes.customFields ?? [:] { fields[key] = value == .null ? nil : value }
        let tags = changes.tags.map { Array(Set($0.map { $0.lowercased() })).sorted() } ?? before.tags
        let status = changes.status ?? before.status
        let assignee = changes.clearAssignee ? nil : (changes.assigneeID ?? before.assigneeID)
        let team = changes.clearTeam ? nil : (changes.team ?? before.team)
        if let assignee = changes.assigneeID {
            let rows = try await connection.checkedQuery("SELECT count(*)::int FROM users WHERE id = \(assignee) AND status = 'active'", logger: logger)
            var count = 0
            for try await value in rows.decode(Int.self) { count = value }
            guard count == 1 else { throw ConversationError.invalid("assignee_id is not an active user of this workspace") }
        }
        let rows = try await connection.checkedQuery("""
            UPDATE tickets SET
                subject = \(changes.subject ?? before.subject), status = \(status), priority = \(changes.priority ?? before.priority),
                assignee_id = \(assignee), team = \(team), tags = \(tags), custom_fields = \(try JSONCoding.encode(fields))::jsonb,
                snoozed_until = CASE WHEN \(status) = 'snoozed' THEN \(changes.snoozedUntil)::timestamptz ELSE NULL END,
                resolved_at = CASE WHEN \(status) = 'resolved' AND status <> 'resolved' THEN now()
                                   WHEN \(status) IN ('open', 'pending', 'snoozed') THEN NULL ELSE resolved_at END,
                closed_at = CASE WHEN \(status) = 'closed' AND status <> 'closed' THEN now()
                                 WHEN \(status) <> 'closed' THEN NULL ELSE closed_at END,
                updated_at = now()
            WHERE id = \(id)
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let after = try await Self.decode(rows).first else { throw ConversationError.notFound("no ticket \(id)") }
        let events = ConversationEvents(tenant: tenant, actor: actor, requestID: requestID)
        if after.status != before.status {
            try await events.ticket("ticket.status_changed", after, ["from": before.status, "to": after.status], on: connection, logger: logger)
        }
        if after.assigneeID != before.assigneeID || after.team != before.team {
            var data = ["previous_assignee_id": before.assigneeID?.uuidString.lowercased() ?? "", "previous_team_id": before.team ?? ""]
            data["assigned"] = "true"
            try await events.ticket("ticket.assigned", after, data, on: connection, logger: logger)
        }
        if after.subject != before.subject || after.priority != before.priority || after.tags != before.tags
            || after.customFields != before.customFields {
            try await events.ticket("ticket.updated", after, [:], on: connection, logger: logger)
        }
        return after
    }
}
