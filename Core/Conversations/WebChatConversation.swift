import Foundation
import Logging
import PostgresNIO

/// One web chat visitor's side of the conversation on one web chat channel account: what they write (through
/// ``InboundIngestor``, so it lands on their contact and open ticket like any channel's message), who they say they
/// are, and what they may read back. Every method runs on a connection in a transaction bound to the tenant.
///
/// A visitor sees only their own messages and the replies addressed to their visitor identity, never notes and
/// never what the contact wrote on other channels or in other browsers: claiming someone's email links the visitor
/// to that contact for the agents, but reveals nothing of it to the visitor.
public struct WebChatConversation: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys.
    public let keyRing: TenantKeyRing
    /// The web chat channel account.
    public let account: ChannelAccount
    /// The visitor id (their ``IdentityKind/webVisitor`` identity value).
    public let visitorID: String

    /// Longest text a visitor may send (characters).
    public static let maximumText = 5_000
    /// Most messages sent back as history.
    public static let historyLimit = 200

    /// Creates the conversation of `visitorID` on `account`.
    public init(tenant: TenantID, keyRing: TenantKeyRing, account: ChannelAccount, visitorID: String) {
        self.tenant = tenant
        self.keyRing = keyRing
        self.account = account
        self.visitorID = visitorID
    }

    /// Whether `id` can be a widget's message id: 1 to 64 letters, digits, `-` or `_`.
    public static func isClientID(_ id: String) -> Bool {
        (1...64).contains(id.utf8.count) && id.utf8.allSatisfy(\.isURLSafe)
    }

    /// The visitor's identity claim.
    public var claim: IdentityClaim { IdentityClaim(kind: .webVisitor, value: visitorID) }

    /// The provider message ids of this visitor's messages start with this (the client's message id follows).
    var providerPrefix: String { "\(visitorID):" }

    /// The visitor's identity and contact, once they have written or identified; `nil` before.
    public func identity(on connection: PostgresConnection, logger: Logger) async throws -> (identity: UUID, contact: UUID)? {
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let index = cipher.blindIndex(visitorID, purpose: ContactDirectory.purpose(.webVisitor))
        let found = try await ContactDirectory(tenant: tenant, keyRing: keyRing)
            .lookup(kinds: [IdentityKind.webVisitor.rawValue], indexes: [index], on: connection, logger: logger)[index]
        return found.map { ($0.id, $0.contact) }
    }

    /// What ``post(text:clientID:on:logger:)`` did.
    public struct Posted: Sendable, Equatable {
        /// The stored message.
        public var messageID: UUID
        /// Whether it had been stored before (a resend with the same client id).
        public var duplicate: Bool
    }

    /// Stores a text from the visitor; `clientID` (the widget's id for the message) makes a resend after a
    /// reconnect a no-op.
    public func post(text: String, clientID: String, on connection: PostgresConnection, logger: Logger) async throws -> Posted {
        let providerID = providerPrefix + clientID
        let message = InboundMessage(channel: .webchat, accountID: "", providerMessageID: providerID, sender: [claim], sentAt: Date(),
                                     type: .text, text: text, content: try JSONCoding.encode(["client_id": clientID]))
        let outcome = try await InboundIngestor(tenant: tenant, keyRing: keyRing)
            .ingest(ChannelWebhookBatch(messages: [message]), account: account, on: connection, logger: logger)
        if let stored = outcome.stored.first { return Posted(messageID: stored, duplicate: false) }
        guard let existing = try await MessageStore(tenant: tenant).id(ofProvider: providerID, account: account.id, on: connection, logger: logger)
        else { throw ConversationError.conflict("the message was neither stored nor found") }
        return Posted(messageID: existing, duplicate: true)
    }

    /// Records the email and phone the visitor left, resolving them as a channel's identities are resolved: a value
    /// already on file links the visitor to that contact (a visitor who wrote before is merged into it, recorded
    /// and undoable like any merge); new values join the visitor's contact. Returns the contact.
    public func identify(_ claims: [IdentityClaim], name: String?, on connection: PostgresConnection, logger: Logger) async throws -> UUID {
        let directory = ContactDirectory(tenant: tenant, keyRing: keyRing)
        let actor = "channel:\(account.id.uuidString.lowercased())"
        if let known = try await identity(on: connection, logger: logger) {
            for claim in claims {
                guard let other = try await directory.find(claim, on: connection, logger: logger), other != known.contact else { continue }
                _ = try await directory.merge(known.contact, into: other, actor: actor, on: connection, logger: logger)
                break
            }
        }
        let resolution = try await directory.resolve([claim] + claims, profileName: name, sourceMessage: nil, on: connection, logger: logger)
        try await ConversationEvents(tenant: tenant, actor: actor)
            .resolved(resolution, channel: .webchat, message: nil, on: connection, logger: logger)
        return resolution.contactID
    }

    /// The visitor's messages and the replies sent to `identity`, oldest first (the latest ``historyLimit``).
    public func history(identity: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [Message] {
        let rows = try await connection.checkedQuery("""
            SELECT \(unescaped: MessageStore.columns) FROM messages m
            WHERE m.channel_account_id = \(account.id) AND m.deleted_at IS NULL
              AND ((m.direction = 'inbound' AND starts_with(m.provider_message_id, \(providerPrefix)))
                   OR (m.direction = 'outbound' AND m.recipient_identity_id = \(identity)))
            ORDER BY m.created_at DESC, m.id DESC
            LIMIT \(Self.historyLimit)
            """, logger: logger)
        return try await MessageStore.decode(rows).reversed()
    }

    /// The message `id` when it is a reply on this channel to `identity`; `nil` otherwise (notes, other visitors,
    /// other channels).
    public func reply(_ id: UUID, identity: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Message? {
        let rows = try await connection.checkedQuery("""
            SELECT \(unescaped: MessageStore.columns) FROM messages m
            WHERE m.id = \(id) AND m.direction = 'outbound' AND m.channel_account_id = \(account.id)
              AND m.recipient_identity_id = \(identity) AND m.deleted_at IS NULL
            """, logger: logger)
        return try await MessageStore.decode(rows).first
    }

    /// Whether `ticket` belongs to the visitor's contact (whom agents typing on it are talking to).
    public func owns(ticket: UUID, identity: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            SELECT count(*)::int FROM tickets t JOIN contact_identities i ON i.contact_id = t.contact_id
            WHERE t.id = \(ticket) AND i.id = \(identity)
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count > 0 }
        return false
    }

    /// Appends `visitor.typing` to the ticket of the visitor's latest message, if any.
    public func typing(on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.checkedQuery("""
            SELECT ticket_id FROM messages
            WHERE channel_account_id = \(account.id) AND direction = 'inbound'
              AND starts_with(provider_message_id, \(providerPrefix))
            ORDER BY created_at DESC LIMIT 1
            """, logger: logger)
        var ticketID: UUID?
        for try await id in rows.decode(UUID.self) { ticketID = id }
        guard let ticketID else { return }
        let ticket = try await TicketStore(tenant: tenant).get(ticketID, on: connection, logger: logger)
        try await ConversationEvents(tenant: tenant, actor: "channel:\(account.id.uuidString.lowercased())")
            .ticket("visitor.typing", ticket, [:], on: connection, logger: logger)
    }
}
