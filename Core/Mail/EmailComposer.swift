import Foundation
import Logging
import PostgresNIO

/// The email branch of ``OutboundComposer``: an agent's reply (or an automatic acknowledgement, `author == nil`)
/// on an email channel becomes a queued outbound message with its recipients and subject, and a send job, in the
/// caller's transaction. Email has no customer-service window.
struct EmailComposer: Sendable {
    let tenant: TenantID
    let keyRing: TenantKeyRing

    /// The job kind that sends an email.
    static let jobKind = OutboundComposer.jobKind(.email)
    /// Most Cc plus Bcc recipients of one reply.
    static let maximumCopies = 50

    func compose(_ request: OutboundRequest, ticket: Ticket, account: ChannelAccount, author: UUID?, events: ConversationEvents,
                 on connection: PostgresConnection, logger: Logger) async throws -> Message {
        guard request.type == "text" else { throw ConversationError.invalid("email replies are text; templates exist only on WhatsApp") }
        let body = try OutboundComposer.text(request)
        let settings = try EmailChannelSettings(account.settings)
        let recipient = try await self.recipient(contact: ticket.contactID, account: account, on: connection, logger: logger)
        let cc = try Self.addresses(request.cc, field: "cc")
        let bcc = try Self.addresses(request.bcc, field: "bcc")
        guard cc.count + bcc.count <= Self.maximumCopies else {
            throw ConversationError.invalid("at most \(Self.maximumCopies) cc and bcc recipients")
        }
        let token = try await EmailTokens.ensure(ticket: ticket.id, on: connection, logger: logger)
        var subject = request.subject?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        if subject.isEmpty { subject = "Re: " + (ticket.subject.isEmpty ? "your request" : ticket.subject) }
        guard subject.count <= 250 else { throw ConversationError.invalid("subject is longer than 250 characters") }
        if EmailThreader.subjectReference(subject) == nil { subject += " [#\(token)]" }
        let id = UUID()
        var content = EmailMessageContent(subject: subject, from: [EmailAddress(name: account.name, address: settings.address)],
                                          to: [EmailAddress(name: nil, address: recipient.value)], cc: cc)
        content.bcc = bcc.isEmpty ? nil : bcc
        content.replyTo = [EmailAddress(name: account.name, address: settings.replyAddress(token: token))]
        content.messageID = Self.messageID(id, domain: settings.domain)
        content.markup = body
        content.automatic = request.automatic ? true : nil
        var new = MessageStore.New(ticketID: ticket.id, contactID: ticket.contactID, channel: .email, channelAccountID: account.id,
                                   direction: "outbound", authorKind: author == nil ? "bot" : "agent", authorID: author, type: .text,
                                   text: body, content: try JSONCoding.encode(content), replyToMessageID: request.replyToMessageID,
                                   deliveryStatus: .queued, recipientIdentityID: recipient.id)
        new.id = id
        // Known before it is sent, so a reply racing the send still threads.
        new.providerMessageID = content.messageID
        let messages = MessageStore(tenant: tenant)
        try await messages.insert(new, on: connection, logger: logger)
        for attachment in request.attachments ?? [] {
            guard let key = attachment.storageKey else { throw ConversationError.invalid("attachments must be stored before the reply") }
            let attachmentID = UUID()
            try await connection.checkedQuery("""
                INSERT INTO attachments (tenant_id, id, message_id, kind, state, mime_type, filename, size_bytes, sha256, storage_key)
                VALUES (\(tenant.rawValue), \(attachmentID), \(id), \(EmailIngestor.kind(attachment.contentType)), 'stored', \(attachment.contentType),
                        \(attachment.filename), \(attachment.size ?? 0), \(attachment.sha256), \(key))
                """, logger: logger)
            // The claimed type is what the email declares; a thumbnail is made only of bytes that are that image.
            if attachment.sniffedType == attachment.contentType.lowercased() {
                try await AttachmentThumbnails(tenant: tenant).enqueue(attachmentID, mimeType: attachment.contentType.lowercased(),
                                                                       on: connection, logger: logger)
            }
        }
        // An automatic acknowledgement is not a first response.
        try await TicketStore(tenant: tenant).touch(ticket.id, direction: request.automatic ? "note" : "outbound", channel: .email, account: account.id,
                                                    at: Date(), on: connection, logger: logger)
        let job = try NewJob(kind: Self.jobKind, encoding: ["message_id": id.uuidString.lowercased()], priority: -10, maxAttempts: 10,
                             uniqueKey: "message:\(id.uuidString.lowercased())")
        _ = try await JobQueue.enqueue([job], tenant: tenant, on: connection, logger: logger, notify: true)
        try await events.ticket("message.queued", ticket, ["message_id": id.uuidString.lowercased(), "channel": "email"], on: connection, logger: logger)
        return try await messages.get(id, on: connection, logger: logger)
    }

    /// Our Message-ID for the outbound message `id`.
    static func messageID(_ id: UUID, domain: String) -> String {
        "\(id.uuidString.lowercased())@\(domain.isEmpty ? "glavito.invalid" : domain)"
    }

    /// The email identity a reply goes to: the one the customer last wrote from on this account, else any email of
    /// the contact.
    func recipient(contact: UUID, account: ChannelAccount, on connection: PostgresConnection, logger: Logger) async throws -> ContactIdentity {
        let directory = ContactDirectory(tenant: tenant, keyRing: keyRing)
        let rows = try await connection.checkedQuery("""
            SELECT identity_id FROM channel_windows WHERE channel_account_id = \(account.id) AND contact_id = \(contact)
            ORDER BY last_inbound_at DESC LIMIT 1
            """, logger: logger)
        for try await identity in rows.decode(UUID.self) {
            let found = try await directory.identity(identity, on: connection, logger: logger)
            if found.kind == .email { return found }
        }
        if let email = try await directory.identities(of: contact, on: connection, logger: logger).first(where: { $0.kind == .email }) {
            return email
        }
        throw ConversationError.invalid("the contact has no email address to send to")
    }

    static func addresses(_ values: [String]?, field: String) throws -> [EmailAddress] {
        try (values ?? []).map { value in
            let address = value.trimmingCharacters(in: .whitespaces).lowercased()
            guard EmailChannelSettings.isAddress(address) else { throw ConversationError.invalid("\(field): \(value) is not an email address") }
            return EmailAddress(name: nil, address: address)
        }
    }
}
