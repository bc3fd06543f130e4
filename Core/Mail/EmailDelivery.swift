import Foundation
import Logging
import PostgresNIO

/// The database side of sending one outbound email (the worker's job does the SMTP): the message as it will be
/// written, with its threading headers, branding, recipients, relay and DKIM signer. Every method runs in a
/// transaction bound to the tenant. The in-doubt marker (``OutboundDelivery/markStarted(_:on:logger:)``) is set
/// only right before the final dot, so only a crash in that moment leaves an unknown outcome, which is then reported
/// as failed with the reason rather than sent a second time.
public struct EmailDelivery: Sendable {
    public let tenant: TenantID
    public let keyRing: TenantKeyRing

    /// Creates the delivery side for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    /// Everything a send needs.
    public struct Prepared: Sendable {
        public var messageID: UUID
        public var email: OutboundEmail
        /// The envelope sender: the support address, so bounces come back to us.
        public var envelopeFrom: String
        /// To, Cc and Bcc.
        public var recipients: [String]
        public var relay: SMTPRelay
        public var signer: DKIMSigner?
        /// The agent's files: name, MIME type, storage key (read by the job, which holds the storage).
        public var files: [(filename: String, contentType: String, storageKey: String)]
    }

    /// What a send job should do.
    public enum Preparation: Sendable {
        case done(String)
        /// An earlier attempt may have handed the message over: do not send again.
        case inDoubt
        case send(Prepared)
    }

    /// Looks at the message and decides; `defaultRelay` serves channels without their own relay.
    public func prepare(_ id: UUID, defaultRelay: SMTPRelay?, on connection: PostgresConnection, logger: Logger) async throws -> Preparation {
        let rows = try await connection.checkedQuery("""
            SELECT delivery_status, send_started_at IS NOT NULL, content::text, coalesce(text, ''), channel_account_id, ticket_id
            FROM messages WHERE id = \(id) AND direction = 'outbound' AND channel = 'email'
            FOR UPDATE
            """, logger: logger)
        var row: (String?, Bool, String, String, UUID?, UUID)?
        for try await r in rows.decode((String?, Bool, String, String, UUID?, UUID).self) { row = r }
        guard let (status, started, contentText, text, accountID, ticketID) = row else { return .done("no such outbound email") }
        guard status == DeliveryStatus.queued.rawValue else { return .done("already \(status ?? "settled")") }
        guard !started else { return .inDoubt }
        guard let accountID else { return .done("no channel account") }
        let accounts = ChannelAccountStore(tenant: tenant, keyRing: keyRing)
        let account = try await accounts.get(accountID, on: connection, logger: logger)
        let secrets = try await accounts.secrets(of: accountID, on: connection, logger: logger)
        let settings = try EmailChannelSettings(account.settings, secrets: secrets)
        guard let relay = settings.relay ?? defaultRelay else {
            throw MailError.invalid("no SMTP relay: set smtp_host on the channel or GLAVITO_SMTP_RELAY_HOST")
        }
        let content = try JSONCoding.decode(EmailMessageContent.self, from: contentText)
        let thread = try await threadIDs(ticket: ticketID, excluding: id, on: connection, logger: logger)
        let branding = try await Branding.current(on: connection, logger: logger) ?? Branding(displayName: account.name)
        let footer = "\(branding.displayName) · \(settings.address)"
        let markup = content.markup ?? text
        let (html, logo) = EmailTemplate.html(ChannelFormatter.render(markup, for: .html), branding: branding, footer: footer)
        var extra: [(name: String, value: String)] = [("X-Glavito-Loop", settings.domain)]
        if content.automatic == true {
            extra.append(("Auto-Submitted", "auto-replied"))
            extra.append(("X-Auto-Response-Suppress", "All"))
        }
        let email = OutboundEmail(from: content.from.first ?? EmailAddress(name: account.name, address: settings.address), to: content.to,
                                  cc: content.cc, replyTo: content.replyTo?.first, subject: content.subject ?? "",
                                  messageID: content.messageID ?? EmailComposer.messageID(id, domain: settings.domain),
                                  inReplyTo: thread.inReplyTo, references: thread.references,
                                  text: EmailTemplate.text(ChannelFormatter.render(markup, for: .plain), footer: footer), html: html,
                                  attachments: logo.map { [$0] } ?? [], extraHeaders: extra)
        let recipients = (content.to + content.cc + (content.bcc ?? [])).map(\.address)
        var files: [(filename: String, contentType: String, storageKey: String)] = []
        let fileRows = try await connection.checkedQuery("""
            SELECT coalesce(filename, 'attachment'), coalesce(mime_type, 'application/octet-stream'), storage_key FROM attachments
            WHERE message_id = \(id) AND state = 'stored' AND storage_key IS NOT NULL AND derived_from IS NULL ORDER BY created_at, id
            """, logger: logger)
        for try await row in fileRows.decode((String, String, String).self) { files.append(row) }
        return .send(Prepared(messageID: id, email: email, envelopeFrom: settings.address, recipients: recipients, relay: relay,
                              signer: try settings.signer(secrets: secrets), files: files))
    }

    /// The Message-IDs of the ticket's other emails, oldest first (References: the first and the last 19), and the
    /// one this message answers (the customer's latest).
    func threadIDs(ticket: UUID, excluding id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> (inReplyTo: String?, references: [String]) {
        let rows = try await connection.checkedQuery("""
            SELECT provider_message_id, direction FROM messages
            WHERE ticket_id = \(ticket) AND channel = 'email' AND provider_message_id IS NOT NULL AND id <> \(id)
              AND direction IN ('inbound', 'outbound') AND provider_message_id NOT LIKE 'sha256.%'
            ORDER BY created_at, id
            """, logger: logger)
        var all: [(String, String)] = []
        for try await row in rows.decode((String, String).self) { all.append(row) }
        let ids = all.map(\.0)
        let references = ids.count <= 20 ? ids : [ids[0]] + ids.suffix(19)
        return (all.last(where: { $0.1 == "inbound" })?.0 ?? ids.last, references)
    }
}
