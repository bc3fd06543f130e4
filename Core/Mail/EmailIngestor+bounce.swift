import Foundation
import Logging
import PostgresNIO

extension EmailIngestor {
    /// A delivery report for one of our outbound emails: that message becomes `failed` with the report's reason, and
    /// the report is kept on its ticket as a system note (never answered, never reopening the ticket). `nil` when the
    /// report names no message of ours (it is then stored like any other mail, unacknowledged).
    func bounce(_ report: DeliveryReport, raw: (key: String, sha256: String, size: Int), id: UUID, account: ChannelAccount, providerID: String,
                content: EmailMessageContent, email: ParsedEmail, on connection: PostgresConnection, logger: Logger) async throws -> Outcome? {
        guard let original = report.originalMessageID else { return nil }
        let rows = try await connection.checkedQuery("""
            SELECT id, ticket_id, contact_id FROM messages
            WHERE channel = 'email' AND direction = 'outbound' AND provider_message_id = \(original)
            LIMIT 1
            """, logger: logger)
        var found: (UUID, UUID, UUID)?
        for try await row in rows.decode((UUID, UUID, UUID).self) { found = row }
        guard let (bounced, ticketID, contactID) = found else { return nil }
        let recipient = report.recipients.first
        let reason = [recipient?.status, recipient?.diagnostic].compactMap { $0 }.joined(separator: " ")
        var stored = content
        stored.thread = EmailThreadDecision(rule: "bounce", detail: "A delivery report for our message <\(original)>.", ticketID: ticketID)
        stored.bounce = ["original_message_id": original, "recipient": recipient?.finalRecipient ?? "", "action": recipient?.action ?? "",
                         "status": recipient?.status ?? "", "diagnostic": recipient?.diagnostic ?? "",
                         "permanent": report.isPermanentFailure ? "true" : "false"]
        let messages = MessageStore(tenant: tenant)
        let summary = report.isPermanentFailure ? "Delivery failed" : "Delivery delayed"
        var new = MessageStore.New(ticketID: ticketID, contactID: contactID, channel: .email, channelAccountID: account.id, direction: "note",
                                   authorKind: "system", type: .system, text: "\(summary): \(reason.isEmpty ? "the receiving server returned the mail" : reason)",
                                   content: try JSONCoding.encode(stored), providerMessageID: providerID, replyToMessageID: bounced)
        new.id = id
        try await messages.insert(new, on: connection, logger: logger)
        try await insertAttachments([], raw: raw, message: id, on: connection, logger: logger)
        let ticket = try await TicketStore(tenant: tenant).get(ticketID, on: connection, logger: logger)
        let events = ConversationEvents(tenant: tenant, actor: "channel:\(account.id.uuidString.lowercased())")
        if report.isPermanentFailure {
            let error = try JSONCoding.encode(["code": recipient?.status ?? "", "title": "Bounced", "detail": reason])
            try await connection.checkedQuery("""
                UPDATE messages SET delivery_status = 'failed', delivery_error = \(error)::jsonb, status_updated_at = now()
                WHERE id = \(bounced)
                """, logger: logger)
            try await events.ticket("message.status_changed", ticket, ["message_id": bounced.uuidString.lowercased(), "delivery_status": "failed",
                                                                       "error": error], on: connection, logger: logger)
        }
        try await events.ticket("message.note_added", ticket, ["message_id": id.uuidString.lowercased()], on: connection, logger: logger)
        let decision = stored.thread
        return Outcome(messageID: id, ticketID: ticketID, duplicate: false, thread: decision, acknowledged: false)
    }
}
