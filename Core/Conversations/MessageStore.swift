import Foundation
import Logging
import PostgresNIO

/// A tenant's messages and their attachments. Every method runs on a connection in a transaction bound to the
/// tenant.
public struct MessageStore: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates a store for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// A message to store.
    public struct New: Sendable {
        public var id = UUID()
        public var ticketID: UUID
        public var contactID: UUID
        public var channel: ChannelKind
        public var channelAccountID: UUID?
        public var direction: String
        public var authorKind: String
        public var authorID: UUID?
        public var type: MessageContentType
        public var text: String?
        public var content: String
        public var providerMessageID: String?
        public var replyToMessageID: UUID?
        public var deliveryStatus: DeliveryStatus?
        public var recipientIdentityID: UUID?
        public var sentAt: Date

        public init(ticketID: UUID, contactID: UUID, channel: ChannelKind, channelAccountID: UUID?, direction: String, authorKind: String,
                    authorID: UUID? = nil, type: MessageContentType, text: String?, content: String = "{}", providerMessageID: String? = nil,
                    replyToMessageID: UUID? = nil, deliveryStatus: DeliveryStatus? = nil, recipientIdentityID: UUID? = nil,
                    sentAt: Date = Date()) {
            self.ticketID = ticketID
            self.contactID = contactID
            self.channel = channel
            self.channelAccountID = channelAccountID
            self.direction = direction
            self.authorKind = authorKind
            self.authorID = authorID
            self.type = type
            self.text = text
            self.content = content
            self.providerMessageID = providerMessageID
            self.replyToMessageID = replyToMessageID
            self.deliveryStatus = deliveryStatus
            self.recipientIdentityID = recipientIdentityID
            self.sentAt = sentAt
        }
    }

    static let columns = """
        m.id, m.ticket_id, m.contact_id, m.channel, m.channel_account_id, m.direction, m.author_kind, m.author_id, m.type, m.text,
        m.content::text, m.provider_message_id, m.reply_to_message_id, m.reactions::text, m.delivery_status, m.delivery_error::text,
        m.sent_at, m.deleted_at, m.created_at,
        coalesce((SELECT jsonb_agg(jsonb_build_object('id', a.id, 'kind', a.kind, 'state', a.state,
                                                      'mime_type', coalesce(a.mime_type, a.claimed_mime_type),
                                                      'filename', a.filename, 'size_bytes', a.size_bytes, 'sha256', a.sha256,
                                                      'error', a.error, 'thumbnail_state', a.thumbnail_state,
                                                      'thumbnail_id', (SELECT t.id FROM attachments t
                                                                       WHERE t.derived_from = a.id AND t.state = 'stored'))
                                   ORDER BY a.created_at, a.id)
                  FROM attachments a WHERE a.message_id = m.id AND a.derived_from IS NULL), '[]'::jsonb)::text
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Message] {
        var out: [Message] = []
        for try await r in rows.decode((UUID, UUID, UUID, String, UUID?, String, String, UUID?, String, String?, String, String?, UUID?,
                                        String, String?, String?, Date, Date?, Date, String).self) {
            let attachments = (try? JSONCoding.decode([Attachment].self, from: r.19)) ?? []
            out.append(Message(id: r.0, ticketID: r.1, contactID: r.2, channel: ChannelKind(rawValue: r.3) ?? .webchat, channelAccountID: r.4,
                               direction: r.5, authorKind: r.6, authorID: r.7, type: MessageContentType(rawValue: r.8) ?? .unsupported,
                               text: r.9, content: JSONValue.parse(r.10), providerMessageID: r.11, replyToMessageID: r.12,
                               reactions: JSONValue.parse(r.13).objectValue, deliveryStatus: r.14.flatMap(DeliveryStatus.init(rawValue:)),
                               deliveryError: r.15.map(JSONValue.parse), attachments: attachments, sentAt: r.16, deletedAt: r.17,
                               createdAt: r.18))
        }
        return out
    }

    /// Stores a message.
    public func insert(_ new: New, on connection: PostgresConnection, logger: Logger) async throws {
        try await insert([new], on: connection, logger: logger)
    }

    /// Stores messages, in one statement.
    public func insert(_ news: [New], on connection: PostgresConnection, logger: Logger) async throws {
        guard !news.isEmpty else { return }
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(tenant.rawValue)
        Self.appendInsertBindings(news, to: &bindings)
        _ = try await connection.run(InsertStatement.self, bindings, logger: logger)
    }

    /// ``InsertStatement``'s parameter after the tenant: the messages as a JSON array (``insertJSON(_:)``).
    static func appendInsertBindings(_ news: [New], to bindings: inout PostgresBindings) {
        bindings.append(insertJSON(news))
    }

    /// The insert every stored message goes through (inbound, outbound, notes), prepared once per connection: `$2`
    /// is a JSON array of messages as ``insertJSON(_:)`` writes them.
    enum InsertStatement: PreparedSQL {
        static let name = "glavito_message_insert_v2"
        static let sql = """
            INSERT INTO messages (tenant_id, id, ticket_id, contact_id, channel, channel_account_id, direction, author_kind, author_id,
                                  type, text, content, provider_message_id, reply_to_message_id, delivery_status, status_updated_at,
                                  recipient_identity_id, sent_at)
            SELECT $1, m.id, m.ticket_id, m.contact_id, m.channel, m.channel_account_id, m.direction, m.author_kind, m.author_id,
                   m.type, m.text, m.content::jsonb, m.provider_message_id, m.reply_to_message_id, m.delivery_status,
                   CASE WHEN m.delivery_status IS NULL THEN NULL ELSE now() END, m.recipient_identity_id, to_timestamp(m.sent_at)
            FROM jsonb_to_recordset($2::text::jsonb) AS m (id uuid, ticket_id uuid, contact_id uuid, channel text, channel_account_id uuid,
                                                           direction text, author_kind text, author_id uuid, type text, text text,
                                                           content text, provider_message_id text, reply_to_message_id uuid,
                                                           delivery_status text, recipient_identity_id uuid, sent_at double precision)
            """
    }

    /// One message.
    public func get(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Message {
        let rows = try await connection.checkedQuery("SELECT \(unescaped: Self.columns) FROM messages m WHERE m.id = \(id)", logger: logger)
        guard let message = try await Self.decode(rows).first else {
            throw ConversationError.notFound("no message \(id.uuidString.lowercased()) in this workspace")
        }
        return message
    }

    /// Our id of the message a channel account knows as `providerID`.
    public func id(ofProvider providerID: String, account: UUID, on connection: PostgresConnection, logger: Logger) async throws -> UUID? {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(account)
        bindings.append(providerID)
        return try await connection.run(ProviderIDStatement.self, bindings, logger: logger).first?.decode(UUID.self)
    }

    /// ``id(ofProvider:account:on:logger:)``'s lookup: every inbound message asks it (retried webhooks).
    enum ProviderIDStatement: PreparedSQL {
        static let name = "glavito_message_by_provider_v1"
        static let sql = "SELECT id FROM messages WHERE channel_account_id = $1 AND provider_message_id = $2"
    }

    /// A message as a channel account knows it.
    public struct ProviderKey: Sendable, Hashable {
        /// The channel account.
        public var account: UUID
        /// The provider's message id.
        public var providerID: String

        /// Creates a key.
        public init(account: UUID, providerID: String) {
            self.account = account
            self.providerID = providerID
        }
    }

    /// Our ids of the messages among `keys` that are stored, in one statement.
    public func ids(of keys: [ProviderKey], on connection: PostgresConnection, logger: Logger) async throws -> [ProviderKey: UUID] {
        guard !keys.isEmpty else { return [:] }
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(keys.map(\.account))
        bindings.append(keys.map(\.providerID))
        var out: [ProviderKey: UUID] = [:]
        for row in try await connection.run(ProviderIDsStatement.self, bindings, logger: logger) {
            let (account, providerID, id) = try row.decode((UUID, String, UUID).self)
            out[ProviderKey(account: account, providerID: providerID)] = id
        }
        return out
    }

    /// ``ids(of:on:logger:)``'s lookup: every webhook's messages ask it (retried webhooks). One index probe per key
    /// (the lateral `LIMIT 1` keeps the planner from a hash join over all messages, which it picks while the table's
    /// statistics still say it is small).
    enum ProviderIDsStatement: PreparedSQL {
        static let name = "glavito_messages_by_provider_v2"
        static let sql = """
            SELECT k.account, k.provider_id, m.id
            FROM unnest($1::uuid[], $2::text[]) AS k (account, provider_id)
            CROSS JOIN LATERAL (SELECT id FROM messages
                                WHERE channel_account_id = k.account AND provider_message_id = k.provider_id LIMIT 1) AS m
            """
    }

    /// A ticket's messages in timeline order, after the message `after` (exclusive), at most `limit`.
    public func list(ticket: UUID, after: UUID?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Message] {
        try await page("ticket_id", ticket, after: after, limit: limit, on: connection, logger: logger)
    }

    /// A contact's messages across all tickets and channels in one order, after `after`, at most `limit`.
    public func timeline(contact: UUID, after: UUID?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Message] {
        try await page("contact_id", contact, after: after, limit: limit, on: connection, logger: logger)
    }

    func page(_ column: String, _ value: UUID, after: UUID?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [Message] {
        let rows = try await connection.checkedQuery("""
            SELECT \(unescaped: Self.columns) FROM messages m
            WHERE m.\(unescaped: column == "contact_id" ? "contact_id" : "ticket_id") = \(value)
              AND (\(after)::uuid IS NULL OR (m.created_at, m.id) > (SELECT created_at, id FROM messages WHERE id = \(after)))
            ORDER BY m.created_at, m.id
            LIMIT \(max(1, min(limit, 500)))
            """, logger: logger)
        return try await Self.decode(rows)
    }

    /// Applies a provider's status report to our outbound message, forward only: a status ranked below the current
    /// one is ignored (providers send them out of order), and `failed` applies only before `delivered`. A status
    /// naming our message id in its callback data also records the provider's id (an in-doubt send resolved).
    /// Returns the message and its ticket when the status changed.
    public func apply(_ status: StatusUpdate, account: UUID, on connection: PostgresConnection,
                      logger: Logger) async throws -> (message: UUID, ticket: UUID)? {
        let callback = status.callbackData.flatMap(UUID.init(uuidString:))
        var error: String?
        if status.status == .failed {
            error = try JSONCoding.encode(["code": status.errorCode.map(String.init) ?? "", "title": status.errorTitle ?? "",
                                           "detail": status.errorDetail ?? ""])
        }
        let rows = try await connection.checkedQuery("""
            UPDATE messages SET
                delivery_status = \(status.status.rawValue),
                delivery_error = \(error)::jsonb,
                provider_message_id = coalesce(provider_message_id, \(status.providerMessageID)),
                status_updated_at = now()
            WHERE channel_account_id = \(account) AND direction = 'outbound'
              AND (provider_message_id = \(status.providerMessageID) OR (provider_message_id IS NULL AND id = \(callback)))
              AND CASE WHEN \(status.status.rawValue) = 'failed'
                       THEN coalesce(delivery_status, 'queued') IN ('queued', 'sent')
                       ELSE array_position(ARRAY['queued', 'sent', 'delivered', 'read', 'played'], coalesce(delivery_status, 'queued'))
                            < array_position(ARRAY['queued', 'sent', 'delivered', 'read', 'played'], \(status.status.rawValue)) END
            RETURNING id, ticket_id
            """, logger: logger)
        for try await (id, ticket) in rows.decode((UUID, UUID).self) { return (id, ticket) }
        return nil
    }

    /// Adds or removes a reaction count on the message a channel account knows as `providerID`; returns its ids.
    public func react(_ reaction: Reaction, account: UUID, on connection: PostgresConnection,
                      logger: Logger) async throws -> (message: UUID, ticket: UUID)? {
        let rows = try await connection.checkedQuery("""
            UPDATE messages SET reactions = CASE
                WHEN \(reaction.emoji)::text IS NULL THEN '{}'::jsonb
                ELSE jsonb_build_object(\(reaction.emoji)::text, 1) END
            WHERE channel_account_id = \(account) AND provider_message_id = \(reaction.targetProviderMessageID)
            RETURNING id, ticket_id
            """, logger: logger)
        for try await (id, ticket) in rows.decode((UUID, UUID).self) { return (id, ticket) }
        return nil
    }

    /// Marks the message a channel account knows as `providerID` deleted by the customer (its content is kept for
    /// the record); returns its ids.
    public func markDeleted(providerID: String, account: UUID, on connection: PostgresConnection,
                            logger: Logger) async throws -> (message: UUID, ticket: UUID)? {
        let rows = try await connection.checkedQuery("""
            UPDATE messages SET deleted_at = coalesce(deleted_at, now())
            WHERE channel_account_id = \(account) AND provider_message_id = \(providerID)
            RETURNING id, ticket_id
            """, logger: logger)
        for try await (id, ticket) in rows.decode((UUID, UUID).self) { return (id, ticket) }
        return nil
    }

    /// Records media to download for a message; returns the attachment ids in order.
    public func addAttachments(_ media: [MediaReference], message: UUID, on connection: PostgresConnection,
                               logger: Logger) async throws -> [UUID] {
        var ids: [UUID] = []
        for item in media {
            let id = UUID()
            try await connection.checkedQuery("""
                INSERT INTO attachments (tenant_id, id, message_id, kind, provider_media_id, source_url, claimed_mime_type,
                                         expected_sha256, filename)
                VALUES (\(tenant.rawValue), \(id), \(message), \(item.kind.rawValue), \(item.providerMediaID), \(item.url),
                        \(item.mimeType), \(item.sha256), \(item.filename))
                """, logger: logger)
            ids.append(id)
        }
        return ids
    }
}
