import Foundation
import Logging
import PostgresNIO

/// The database side of the media job: which attachment to fetch and how, and the stored result with its event.
/// Every method runs on a connection in a transaction bound to the tenant.
public struct AttachmentDownloads: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys.
    public let keyRing: TenantKeyRing

    /// Creates the download side for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    /// A pending attachment and the account it came through.
    public struct Pending: Sendable {
        public var id: UUID
        public var messageID: UUID
        public var providerMediaID: String?
        public var sourceURL: String?
        public var claimedMimeType: String?
        public var expectedSHA256: String?
        public var account: ChannelAccount
        public var secrets: ChannelSecrets
    }

    /// The attachment if it is still pending; `nil` when stored, failed or gone.
    public func pending(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Pending? {
        let rows = try await connection.checkedQuery("""
            SELECT a.message_id, a.provider_media_id, a.source_url, a.claimed_mime_type, a.expected_sha256, m.channel_account_id
            FROM attachments a JOIN messages m ON m.id = a.message_id
            WHERE a.id = \(id) AND a.state = 'pending'
            """, logger: logger)
        for try await r in rows.decode((UUID, String?, String?, String?, String?, UUID?).self) {
            guard let accountID = r.5 else { return nil }
            let store = ChannelAccountStore(tenant: tenant, keyRing: keyRing)
            return Pending(id: id, messageID: r.0, providerMediaID: r.1, sourceURL: r.2, claimedMimeType: r.3, expectedSHA256: r.4,
                           account: try await store.get(accountID, on: connection, logger: logger),
                           secrets: try await store.secrets(of: accountID, on: connection, logger: logger))
        }
        return nil
    }

    /// Records the stored file and appends `attachment.stored` to the ticket's stream.
    public func stored(_ id: UUID, key: String, sha256: String, size: Int, mimeType: String, on connection: PostgresConnection,
                       logger: Logger) async throws {
        try await finish(id, "attachment.stored", on: connection, logger: logger, """
            UPDATE attachments SET state = 'stored', storage_key = \(key), sha256 = \(sha256), size_bytes = \(Int64(size)),
                                   mime_type = \(mimeType), error = NULL, updated_at = now()
            WHERE id = \(id) AND state = 'pending'
            RETURNING message_id
            """)
        try await AttachmentThumbnails(tenant: tenant).enqueue(id, mimeType: mimeType, on: connection, logger: logger)
    }

    /// Gives up on the attachment (the retries are used up), keeping the reason.
    public func failed(_ id: UUID, error: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await finish(id, "attachment.failed", on: connection, logger: logger, """
            UPDATE attachments SET state = 'failed', error = \(error), updated_at = now()
            WHERE id = \(id) AND state = 'pending'
            RETURNING message_id
            """)
    }

    /// Records the last error of an attempt that will be retried.
    public func noteError(_ id: UUID, error: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("UPDATE attachments SET error = \(error), updated_at = now() WHERE id = \(id)", logger: logger)
    }

    func finish(_ id: UUID, _ type: String, on connection: PostgresConnection, logger: Logger, _ query: PostgresQuery) async throws {
        let rows = try await connection.checkedQuery(query, logger: logger)
        for try await messageID in rows.decode(UUID.self) {
            let message = try await MessageStore(tenant: tenant).get(messageID, on: connection, logger: logger)
            let ticket = try await TicketStore(tenant: tenant).get(message.ticketID, on: connection, logger: logger)
            try await ConversationEvents(tenant: tenant, actor: "system").ticket(type, ticket, [
                "message_id": messageID.uuidString.lowercased(), "attachment_id": id.uuidString.lowercased(),
            ], on: connection, logger: logger)
        }
    }

    /// Whether `bytes` match the checksum a channel sent (hex or base64 of SHA-256); true when none was sent.
    public static func matches(_ bytes: [UInt8], expected: String?) -> Bool {
        guard let expected, !expected.isEmpty else { return true }
        let digest = Hashing.sha256(bytes)
        if Hashing.hex(digest) == expected.lowercased() { return true }
        return Data(digest).base64EncodedString() == expected
    }
}

extension AttachmentDownloads {
    /// A stored attachment's storage key, type, name and ticket (for serving it), or `nil` when not stored.
    public static func stored(_ id: UUID, on connection: PostgresConnection,
                              logger: Logger) async throws -> (key: String, mimeType: String, filename: String?, ticket: UUID)? {
        let rows = try await connection.checkedQuery("""
            SELECT a.storage_key, coalesce(a.mime_type, 'application/octet-stream'), a.filename, m.ticket_id
            FROM attachments a JOIN messages m ON m.id = a.message_id
            WHERE a.id = \(id) AND a.state = 'stored'
            """, logger: logger)
        for try await (key, type, name, ticket) in rows.decode((String, String, String?, UUID).self) { return (key, type, name, ticket) }
        return nil
    }
}
