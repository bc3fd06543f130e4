import Foundation
import Logging
import PostgresNIO

/// Commits one inbound email for one recipient in the caller's transaction: the raw message is kept as an
/// attachment whatever happens (a message that does not parse still arrives, with the parser's warnings shown);
/// the sender becomes or finds a contact by email address; ``EmailThreader`` picks the ticket, which is reopened
/// within the tenant's reopen window or else followed by a new ticket linked to it; a bounce marks the outbound
/// message it returns as failed; automatic mail, our own mail and senders over their per-minute limit are stored
/// but never acknowledged. Events and jobs commit with the data. The same Message-ID delivered twice to one channel
/// is stored once. Independent of how the mail arrived (SMTP today; a mailbox poller fits the same entry point).
public struct EmailIngestor: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys.
    public let keyRing: TenantKeyRing
    /// Where the raw message and its attachments are stored.
    public let storage: any AttachmentStorage

    /// Creates an ingestor.
    public init(tenant: TenantID, keyRing: TenantKeyRing, storage: any AttachmentStorage) {
        self.tenant = tenant
        self.keyRing = keyRing
        self.storage = storage
    }

    /// What the ingest did.
    public struct Outcome: Sendable, Equatable {
        /// The stored message, or the earlier copy for a duplicate.
        public var messageID: UUID?
        public var ticketID: UUID?
        public var duplicate: Bool
        public var thread: EmailThreadDecision?
        /// An acknowledgement was queued.
        public var acknowledged: Bool
    }

    /// Ingests `raw` (already parsed as `email`) received through `envelope`.
    public func ingest(_ raw: [UInt8], parsed email: ParsedEmail, envelope: EmailEnvelope, on connection: PostgresConnection,
                       logger: Logger) async throws -> Outcome {
        let accounts = ChannelAccountStore(tenant: tenant, keyRing: keyRing)
        let account = try await accounts.get(envelope.recipient.channelAccountID, on: connection, logger: logger)
        let settings = try EmailChannelSettings(account.settings)
        let rawHash = Hashing.hex(Hashing.sha256(raw))
        let providerID = email.messageID ?? "sha256.\(rawHash)@glavito.invalid"
        let sender = (email.from.first?.address ?? envelope.mailFrom ?? "").lowercased()
        let senderAddress = EmailChannelSettings.isAddress(sender) ? sender : "unknown-sender@glavito.invalid"
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let keys = [InboundIngestor.lockKey(account: account.id, providerID: providerID),
                    ContactDirectory.lockKey(cipher.blindIndex(senderAddress, purpose: ContactDirectory.purpose(.email)))].sorted()
        try await connection.checkedQuery("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(\(keys)) AS k ORDER BY 1) s", logger: logger)
        let messages = MessageStore(tenant: tenant)
        if let existing = try await messages.id(ofProvider: providerID, account: account.id, on: connection, logger: logger) {
            return Outcome(messageID: existing, ticketID: nil, duplicate: true, thread: nil, acknowledged: false)
        }
        let id = UUID()
        var content = EmailMessageContent(subject: email.subject, from: email.from, to: email.to, cc: email.cc)
        content.replyTo = email.replyTo.isEmpty ? nil : email.replyTo
        content.messageID = email.messageID
        content.inReplyTo = email.inReplyTo.isEmpty ? nil : email.inReplyTo
        content.references = email.references.isEmpty ? nil : email.references
        content.date = email.date
        content.quotedText = email.quotedText
        content.signature = email.signature
        content.autoReply = email.autoReply?.rawValue
        content.warnings = email.warnings.isEmpty ? nil : email.warnings
        content.source = envelope.source
        content.envelope = ["mail_from": envelope.mailFrom ?? "", "recipient": envelope.recipient.address, "remote": envelope.remoteAddress ?? ""]
        // Files first (content-addressed; an orphan after a rollback is harmless), then rows.
        var stored: [(EmailAttachment, String, String, UUID)] = []
        for attachment in email.attachments {
            let hash = Hashing.hex(Hashing.sha256(attachment.data))
            stored.append((attachment, hash, try await storage.store(attachment.data, sha256: hash, tenant: tenant), UUID()))
        }
        let rawKey = try await storage.store(raw, sha256: rawHash, tenant: tenant)
        if let html = email.newHTML ?? email.html {
            let byCID = Dictionary(stored.compactMap { item in item.0.contentID.map { ($0.lowercased(), item.3) } }) { first, _ in first }
            content.html = EmailHTMLSanitizer.sanitize(html) { cid in
                byCID[cid.lowercased()].map { "glavito-attachment:\($0.uuidString.lowercased())" }
            }
        }
        let ownLoop = email.header("X-Glavito-Loop") != nil || settings.addresses.contains(senderAddress)
        if let report = email.deliveryReport, let outcome = try await bounce(report, raw: (rawKey, rawHash, raw.count), id: id, account: account,
                                                                            providerID: providerID, content: content, email: email,
                                                                            on: connection, logger: logger) {
            return outcome
        }
        let directory = ContactDirectory(tenant: tenant, keyRing: keyRing)
        let resolution = try await directory.resolve([IdentityClaim(kind: .email, value: senderAddress)], profileName: email.from.first?.name,
                                                     sourceMessage: id, locked: true, on: connection, logger: logger)
        var events = ConversationEventBuffer(ConversationEvents(tenant: tenant, actor: "channel:\(account.id.uuidString.lowercased())"))
        try events.resolved(resolution, channel: .email, message: id)
        var decision = try await EmailThreader(tenant: tenant, keyRing: keyRing)
            .decide(email, sender: senderAddress, token: envelope.recipient.token, on: connection, logger: logger)
        let placement = try await EmailTicketPlacement(tenant: tenant)
            .place(decision, contact: resolution.contactID, account: account.id, subject: email.subject ?? "", on: connection, logger: logger)
        decision.outcome = placement.outcome
        content.thread = decision
        let recent = try await recentFromContact(resolution.contactID, on: connection, logger: logger)
        if ownLoop {
            content.suppressed = "own_mail"
        } else if recent >= settings.senderLimitPerMinute {
            content.suppressed = "sender_rate"
        }
        let text = email.newText.isEmpty ? (email.text ?? "") : email.newText
        if let whole = email.text, whole != text { content.bodyText = whole }
        var new = MessageStore.New(ticketID: placement.ticket.id, contactID: resolution.contactID, channel: .email, channelAccountID: account.id,
                                   direction: "inbound", authorKind: "contact", type: .text, text: text, content: try JSONCoding.encode(content),
                                   providerMessageID: providerID, sentAt: min(email.date ?? envelope.receivedAt, envelope.receivedAt))
        new.id = id
        try await messages.insert(new, on: connection, logger: logger)
        try await insertAttachments(stored, raw: (rawKey, rawHash, raw.count), message: id, on: connection, logger: logger)
        try await connection.checkedQuery("""
            INSERT INTO channel_windows (tenant_id, channel_account_id, identity_id, contact_id, last_inbound_at)
            VALUES (\(tenant.rawValue), \(account.id), \(resolution.identityIDs[0]), \(resolution.contactID), \(new.sentAt))
            ON CONFLICT (tenant_id, channel_account_id, identity_id) DO UPDATE
            SET last_inbound_at = greatest(channel_windows.last_inbound_at, excluded.last_inbound_at), contact_id = excluded.contact_id
            """, logger: logger)
        let tickets = TicketStore(tenant: tenant)
        try await tickets.touch(placement.ticket.id, direction: "inbound", channel: .email, account: account.id, at: new.sentAt,
                                on: connection, logger: logger)
        if placement.created {
            var extra = ["channel": "email"]
            if let linked = placement.linkedTo { extra["linked_ticket_id"] = linked.uuidString.lowercased() }
            try events.ticket("ticket.created", placement.ticket, extra)
        } else if placement.reopened {
            try events.ticket("ticket.reopened", placement.ticket, [:])
        }
        try events.ticket("message.received", placement.ticket, ["message_id": id.uuidString.lowercased(), "channel": "email", "type": "text",
                                                                 "direction": "inbound", "thread_rule": decision.rule])
        try await events.flush(on: connection, logger: logger)
        var acknowledged = false
        if placement.created, settings.autoAcknowledge, email.autoReply == nil, content.suppressed == nil {
            try await EmailAcknowledgement(tenant: tenant, keyRing: keyRing)
                .queue(ticket: placement.ticket.id, account: account.id, on: connection, logger: logger)
            acknowledged = true
        }
        return Outcome(messageID: id, ticketID: placement.ticket.id, duplicate: false, thread: decision, acknowledged: acknowledged)
    }

    /// Inbound email messages of a contact in the last minute (before this one).
    func recentFromContact(_ contact: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.checkedQuery("""
            SELECT count(*) FROM messages
            WHERE contact_id = \(contact) AND channel = 'email' AND direction = 'inbound' AND created_at > now() - interval '1 minute'
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    func insertAttachments(_ stored: [(EmailAttachment, String, String, UUID)], raw: (key: String, sha256: String, size: Int), message: UUID,
                           on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("""
            INSERT INTO attachments (tenant_id, message_id, kind, state, mime_type, filename, size_bytes, sha256, storage_key)
            VALUES (\(tenant.rawValue), \(message), 'raw_email', 'stored', 'message/rfc822', 'message.eml', \(raw.size), \(raw.sha256), \(raw.key))
            """, logger: logger)
        for (attachment, hash, key, id) in stored {
            try await connection.checkedQuery("""
                INSERT INTO attachments (tenant_id, id, message_id, kind, state, mime_type, filename, size_bytes, sha256, storage_key,
                                         content_id, inline)
                VALUES (\(tenant.rawValue), \(id), \(message), \(Self.kind(attachment.contentType)), 'stored', \(attachment.contentType),
                        \(attachment.filename), \(attachment.data.count), \(hash), \(key), \(attachment.contentID), \(attachment.isInline))
                """, logger: logger)
        }
    }

    static func kind(_ contentType: String) -> String {
        if contentType.hasPrefix("image/") { return "image" }
        if contentType.hasPrefix("audio/") { return "audio" }
        if contentType.hasPrefix("video/") { return "video" }
        return "document"
    }
}
