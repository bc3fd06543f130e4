import Foundation
import Logging
import PostgresNIO

/// Decides which ticket an inbound email belongs to, like a careful person would, in this order: the per-ticket
/// reply address it was sent to; a Message-ID of the ticket's mail in In-Reply-To or anywhere in References (Outlook
/// often sends only References); a `[#token]` ticket reference in the subject, but only from a participant of that
/// ticket (a stranger quoting a reference gets a new ticket); otherwise a new ticket.
public struct EmailThreader: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys (participants are found by their sealed identities' blind indexes).
    public let keyRing: TenantKeyRing

    /// Creates a threader.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    /// The decision for `email` from `sender` (lower-cased address) delivered to a reply address with `token`.
    public func decide(_ email: ParsedEmail, sender: String, token: String?, on connection: PostgresConnection,
                       logger: Logger) async throws -> EmailThreadDecision {
        if let token, let ticket = try await ticket(token: token, on: connection, logger: logger) {
            return EmailThreadDecision(rule: "reply_address", detail: "Sent to the ticket's reply address.", ticketID: ticket)
        }
        var ids: [String] = []
        for id in email.inReplyTo.reversed() + email.references.reversed() where !ids.contains(id) { ids.append(id) }
        if !ids.isEmpty {
            let rows = try await connection.checkedQuery("""
                SELECT ticket_id, provider_message_id, direction = 'outbound' FROM messages
                WHERE channel = 'email' AND provider_message_id = ANY(\(Array(ids.prefix(200))))
                ORDER BY direction = 'outbound' DESC, created_at DESC
                LIMIT 1
                """, logger: logger)
            for try await (ticket, messageID, ours) in rows.decode((UUID, String, Bool).self) {
                let header = email.inReplyTo.contains(messageID) ? "In-Reply-To" : "References"
                let whose = ours ? "our reply" : "an earlier message of the ticket"
                return EmailThreadDecision(rule: "message_id", detail: "\(header) names <\(messageID)>, \(whose).", ticketID: ticket)
            }
        }
        if let reference = Self.subjectReference(email.subject ?? ""),
           let ticket = try await ticket(token: reference, on: connection, logger: logger) {
            if try await isParticipant(sender, ticket: ticket, on: connection, logger: logger) {
                return EmailThreadDecision(rule: "subject_reference", detail: "The subject names ticket [#\(reference)] and the sender takes part in it.",
                                           ticketID: ticket)
            }
            return EmailThreadDecision(rule: "new", detail: "The subject names ticket [#\(reference)], but the sender is not part of it, so a new ticket was started.",
                                       ticketID: nil)
        }
        return EmailThreadDecision(rule: "new", detail: "No reply address, known Message-ID or ticket reference: a new ticket.", ticketID: nil)
    }

    /// The ticket with reply token `token`.
    func ticket(token: String, on connection: PostgresConnection, logger: Logger) async throws -> UUID? {
        let rows = try await connection.checkedQuery("SELECT id FROM tickets WHERE email_token = \(token.lowercased())", logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// Whether `address` is the ticket's customer or was on an email of the ticket (From, To or Cc).
    func isParticipant(_ address: String, ticket: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let directory = ContactDirectory(tenant: tenant, keyRing: keyRing)
        if let contact = try await directory.find(IdentityClaim(kind: .email, value: address), on: connection, logger: logger) {
            let rows = try await connection.checkedQuery("SELECT count(*) FROM tickets WHERE id = \(ticket) AND contact_id = \(contact)", logger: logger)
            for try await count in rows.decode(Int.self) where count > 0 { return true }
        }
        let probe = try JSONCoding.encode([["address": address]])
        let rows = try await connection.checkedQuery("""
            SELECT count(*) FROM messages
            WHERE ticket_id = \(ticket) AND channel = 'email'
              AND (content -> 'from' @> \(probe)::jsonb OR content -> 'to' @> \(probe)::jsonb OR content -> 'cc' @> \(probe)::jsonb)
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count > 0 }
        return false
    }

    /// The token of a `[#token]` reference in a subject (8 characters of lower-case base32).
    public static func subjectReference(_ subject: String) -> String? {
        var rest = Substring(subject.lowercased())
        while let open = rest.range(of: "[#") {
            let after = rest[open.upperBound...]
            let token = after.prefix(EmailTokens.length)
            if token.count == EmailTokens.length, token.allSatisfy(EmailTokens.alphabet.contains),
               after.dropFirst(EmailTokens.length).first == "]" {
                return String(token)
            }
            rest = after
        }
        return nil
    }
}
