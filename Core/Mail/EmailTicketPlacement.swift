import Foundation
import Logging
import PostgresNIO

/// Puts an inbound email on a ticket once ``EmailThreader`` decided: the found ticket (followed through merges) if
/// it is still active; reopened when it was resolved within the tenant's reopen window; otherwise a new ticket that
/// links to it. Without a decision, a new ticket. New email tickets get their reply token at once.
struct EmailTicketPlacement: Sendable {
    let tenant: TenantID

    struct Placement {
        var ticket: Ticket
        var created: Bool
        var reopened: Bool
        var linkedTo: UUID?
        /// `joined`, `reopened`, `new`, `new_linked`.
        var outcome: String
    }

    func place(_ decision: EmailThreadDecision, contact: UUID, account: UUID, subject: String, on connection: PostgresConnection,
               logger: Logger) async throws -> Placement {
        let settings = try await ConversationSettings.load(on: connection, logger: logger)
        guard var current = decision.ticketID else {
            return Placement(ticket: try await create(contact: contact, account: account, subject: subject, linkedTo: nil, settings: settings,
                                                      on: connection, logger: logger),
                             created: true, reopened: false, linkedTo: nil, outcome: "new")
        }
        // A merged ticket's mail goes to the ticket it was merged into.
        for _ in 0..<8 {
            let rows = try await connection.checkedQuery("SELECT merged_into FROM tickets WHERE id = \(current)", logger: logger)
            var next: UUID?
            for try await merged in rows.decode(UUID?.self) { next = merged }
            guard let next else { break }
            current = next
        }
        let rows = try await connection.checkedQuery("""
            SELECT status, coalesce(resolved_at > now() - make_interval(secs => \(settings.reopenWindowHours * 3600)), false)
            FROM tickets WHERE id = \(current) FOR UPDATE
            """, logger: logger)
        var state: (String, Bool)?
        for try await row in rows.decode((String, Bool).self) { state = row }
        let tickets = TicketStore(tenant: tenant)
        switch state {
        case ("open", _)?:
            return Placement(ticket: try await tickets.get(current, on: connection, logger: logger), created: false, reopened: false,
                             linkedTo: nil, outcome: "joined")
        case ("pending", _)?, ("snoozed", _)?, ("resolved", true)?:
            let reopened = try await TicketStore.decode(try await connection.checkedQuery("""
                UPDATE tickets SET status = 'open', snoozed_until = NULL, resolved_at = NULL, updated_at = now()
                WHERE id = \(current) RETURNING \(unescaped: TicketStore.columns)
                """, logger: logger))
            guard let ticket = reopened.first else { throw ConversationError.notFound("the ticket vanished") }
            let wasResolved = state?.0 == "resolved"
            return Placement(ticket: ticket, created: false, reopened: wasResolved, linkedTo: nil, outcome: wasResolved ? "reopened" : "joined")
        default:
            let ticket = try await create(contact: contact, account: account, subject: subject, linkedTo: current, settings: settings,
                                          on: connection, logger: logger)
            return Placement(ticket: ticket, created: true, reopened: false, linkedTo: current, outcome: "new_linked")
        }
    }

    func create(contact: UUID, account: UUID, subject: String, linkedTo: UUID?, settings: ConversationSettings,
                on connection: PostgresConnection, logger: Logger) async throws -> Ticket {
        let cleaned = Self.cleanSubject(subject)
        let created = try await TicketStore.decode(try await connection.checkedQuery("""
            INSERT INTO tickets (tenant_id, contact_id, subject, priority, channel, last_channel, last_channel_account_id, email_token,
                                 linked_ticket_id)
            VALUES (\(tenant.rawValue), \(contact), \(String((cleaned.isEmpty ? "(no subject)" : cleaned).prefix(200))),
                    \(settings.priority(for: .email)), 'email', 'email', \(account), \(EmailTokens.make()), \(linkedTo))
            RETURNING \(unescaped: TicketStore.columns)
            """, logger: logger))
        guard let ticket = created.first else { throw ConversationError.notFound("the ticket was not stored") }
        return ticket
    }

    /// The subject without reply and forward prefixes (`Re:`, `AW:`, `Fwd:`, `WG:`, `SV:`, …) and without our
    /// `[#token]` reference.
    static func cleanSubject(_ subject: String) -> String {
        var text = subject.trimmingCharacters(in: .whitespaces)
        let prefixes = ["re:", "aw:", "fw:", "fwd:", "wg:", "sv:", "vs:", "antw:", "tr:", "rv:", "r:"]
        var changed = true
        while changed {
            changed = false
            for prefix in prefixes where text.lowercased().hasPrefix(prefix) {
                text = String(text.dropFirst(prefix.count)).trimmingCharacters(in: .whitespaces)
                changed = true
            }
        }
        if let reference = EmailThreader.subjectReference(text), let range = text.range(of: "[#\(reference)]", options: .caseInsensitive) {
            text.removeSubrange(range)
            text = text.trimmingCharacters(in: .whitespaces)
        }
        return text
    }
}
