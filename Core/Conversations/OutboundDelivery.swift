import Foundation
import Logging
import PostgresNIO

/// The database side of sending one outbound message (the worker's send jobs do the HTTP): what to send, the
/// in-doubt marker around the request, and the outcome with its event. Every method runs on a connection in a
/// transaction bound to the tenant.
///
/// Exactly-once is impossible against an API without idempotency keys, so the window for a duplicate is kept to
/// the request itself: `send_started_at` is committed before the request; a definite answer clears or settles it;
/// a job that finds it set without an answer (the worker died mid-request) waits up to the doubt period for a
/// status webhook that names the message (our id travels as `biz_opaque_callback_data`) before sending again.
public struct OutboundDelivery: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys.
    public let keyRing: TenantKeyRing

    /// Creates the delivery side for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    /// Everything a send needs.
    public struct Prepared: Sendable {
        public var messageID: UUID
        public var type: MessageContentType
        /// The agent's markup (text) or the filled template body.
        public var text: String
        /// The stored content (`markup`, or `template` with name, language, parameters).
        public var content: JSONValue
        public var account: ChannelAccount
        public var secrets: ChannelSecrets
        public var recipient: ContactIdentity
        public var replyToProviderMessageID: String?
        /// When the customer last wrote on this account (for Instagram's message tag).
        public var lastInboundAt: Date?
        /// Parts already sent (texts split for a channel's limit, then files on Instagram).
        public var partsSent: Int
        /// The stored files to send, in order.
        public var files: [File] = []
        /// The tenant's slug (its host is `<slug>.<base domain>`).
        public var tenantSlug = ""
    }

    /// A stored file of an outbound message.
    public struct File: Sendable {
        public var id: UUID
        /// `image`, `audio`, `video`, `document` or `file`.
        public var kind: String
        public var mimeType: String
        public var filename: String
        public var storageKey: String
    }

    /// What a send job should do.
    public enum Preparation: Sendable {
        /// Nothing: the message was sent, failed, or is gone.
        case done(String)
        /// An earlier attempt's outcome is unknown: wait this long for a status webhook first.
        case wait(Duration)
        /// Send it.
        case send(Prepared)
    }

    /// Looks at the message and decides; `doubt` is how long an unknown outcome waits for a status webhook.
    public func prepare(_ id: UUID, doubt: Duration, on connection: PostgresConnection, logger: Logger) async throws -> Preparation {
        let rows = try await connection.checkedQuery("""
            SELECT m.delivery_status, m.provider_message_id, m.send_started_at, now() - m.send_started_at < make_interval(secs => \(Double(doubt.components.seconds))),
                   m.type, coalesce(m.text, ''), m.content::text, m.channel_account_id, m.recipient_identity_id,
                   (SELECT r.provider_message_id FROM messages r WHERE r.id = m.reply_to_message_id),
                   (SELECT max(w.last_inbound_at) FROM channel_windows w WHERE w.channel_account_id = m.channel_account_id
                                                                         AND w.identity_id = m.recipient_identity_id),
                   coalesce((m.content ->> 'parts_sent')::int, 0),
                   extract(epoch FROM make_interval(secs => \(Double(doubt.components.seconds))) - (now() - m.send_started_at))::float8
            FROM messages m WHERE m.id = \(id) AND m.direction = 'outbound'
            FOR UPDATE
            """, logger: logger)
        for try await r in rows.decode((String?, String?, Date?, Bool?, String, String, String, UUID?, UUID?, String?, Date?, Int, Double?).self) {
            guard r.0 == DeliveryStatus.queued.rawValue, r.1 == nil || r.11 > 0 else { return .done("already \(r.0 ?? "settled")") }
            if r.2 != nil, r.3 == true { return .wait(.milliseconds(Int64(max(0.5, r.12 ?? 1) * 1000))) }
            guard let accountID = r.7, let recipientID = r.8 else { return .done("no channel account or recipient") }
            let accounts = ChannelAccountStore(tenant: tenant, keyRing: keyRing)
            let account = try await accounts.get(accountID, on: connection, logger: logger)
            let recipient = try await ContactDirectory(tenant: tenant, keyRing: keyRing).identity(recipientID, on: connection, logger: logger)
            var prepared = Prepared(messageID: id, type: MessageContentType(rawValue: r.4) ?? .text, text: r.5, content: JSONValue.parse(r.6),
                                    account: account, secrets: try await accounts.secrets(of: accountID, on: connection, logger: logger),
                                    recipient: recipient, replyToProviderMessageID: r.9, lastInboundAt: r.10, partsSent: r.11)
            prepared.files = try await files(of: id, on: connection, logger: logger)
            let slugs = try await connection.checkedQuery("SELECT slug FROM tenants WHERE id = glavito_current_tenant()", logger: logger)
            for try await slug in slugs.decode(String.self) { prepared.tenantSlug = slug }
            return .send(prepared)
        }
        return .done("no such outbound message")
    }

    /// The stored files of message `id`, in order (thumbnails are not sent).
    func files(of id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [File] {
        let rows = try await connection.checkedQuery("""
            SELECT id, kind, coalesce(mime_type, 'application/octet-stream'), coalesce(filename, 'file'), storage_key FROM attachments
            WHERE message_id = \(id) AND state = 'stored' AND storage_key IS NOT NULL AND derived_from IS NULL
            ORDER BY created_at, id
            """, logger: logger)
        var out: [File] = []
        for try await (id, kind, type, name, key) in rows.decode((UUID, String, String, String, String).self) {
            out.append(File(id: id, kind: kind, mimeType: type, filename: name, storageKey: key))
        }
        return out
    }

    /// Marks a send attempt as started (committed before the request goes out).
    public func markStarted(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("UPDATE messages SET send_started_at = now() WHERE id = \(id)", logger: logger)
    }

    /// Clears the marker after a definite refusal (nothing was sent; the job retries).
    public func clearStarted(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("UPDATE messages SET send_started_at = NULL WHERE id = \(id)", logger: logger)
    }

    /// Records one sent part of a split text (so a re-run sends only the rest).
    public func recordPart(_ id: UUID, providerID: String, partsSent: Int, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("""
            UPDATE messages SET content = jsonb_set(content, '{parts_sent}', to_jsonb(\(partsSent))),
                                provider_message_id = coalesce(provider_message_id, \(providerID))
            WHERE id = \(id)
            """, logger: logger)
    }

    /// The provider accepted the message: it is `sent` (unless a status webhook already moved it further).
    public func settleSent(_ id: UUID, providerID: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await settle(id, status: .sent, providerID: providerID, error: nil, on: connection, logger: logger)
    }

    /// The provider refused it for good (or the retries ran out): `failed` with the reason.
    public func settleFailed(_ id: UUID, code: Int?, title: String, detail: String, on connection: PostgresConnection, logger: Logger) async throws {
        let error = try JSONCoding.encode(["code": code.map(String.init) ?? "", "title": title, "detail": detail])
        try await settle(id, status: .failed, providerID: nil, error: error, on: connection, logger: logger)
    }

    func settle(_ id: UUID, status: DeliveryStatus, providerID: String?, error: String?, on connection: PostgresConnection,
                logger: Logger) async throws {
        let rows = try await connection.checkedQuery("""
            UPDATE messages SET
                provider_message_id = coalesce(provider_message_id, \(providerID)),
                delivery_status = CASE WHEN delivery_status = 'queued' THEN \(status.rawValue) ELSE delivery_status END,
                delivery_error = CASE WHEN delivery_status = 'queued' THEN \(error)::jsonb ELSE delivery_error END,
                status_updated_at = now(), send_started_at = NULL
            WHERE id = \(id)
            RETURNING ticket_id, delivery_status
            """, logger: logger)
        for try await (ticketID, current) in rows.decode((UUID, String).self) {
            let ticket = try await TicketStore(tenant: tenant).get(ticketID, on: connection, logger: logger)
            var data = ["message_id": id.uuidString.lowercased(), "delivery_status": current]
            if status == .failed, let error { data["error"] = error }
            try await ConversationEvents(tenant: tenant, actor: "system").ticket("message.status_changed", ticket, data, on: connection, logger: logger)
        }
    }
}
