import Foundation
import Logging
import PostgresNIO

/// The database side of thumbnails: an image attachment (PNG, JPEG, WebP) that is stored gets a `media.thumbnail`
/// job in the same transaction; the job's result is a derived attachment (`derived_from` the original) and the
/// original's `thumbnail_state`. Every method runs on a connection in a transaction bound to the tenant.
public struct AttachmentThumbnails: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates the thumbnail side for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// The job kind that makes one thumbnail.
    public static let jobKind = "media.thumbnail"
    /// The longest side of a thumbnail, in pixels.
    public static let maximumSide = 320
    /// Types thumbnails are made of (never SVG: it is not rendered on the server).
    public static let sourceTypes: Set<String> = ["image/png", "image/jpeg", "image/webp"]

    /// An original waiting for its thumbnail.
    public struct Source: Sendable {
        public var id: UUID
        public var messageID: UUID
        public var storageKey: String
        public var mimeType: String
    }

    /// Queues a thumbnail of the stored attachment `id` when it is an image of a type thumbnails are made of.
    public func enqueue(_ id: UUID, mimeType: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard Self.sourceTypes.contains(mimeType) else { return }
        try await connection.checkedQuery("UPDATE attachments SET thumbnail_state = 'pending' WHERE id = \(id) AND derived_from IS NULL", logger: logger)
        let job = try NewJob(kind: Self.jobKind, encoding: ["attachment_id": id.uuidString.lowercased()], priority: 10, maxAttempts: 4,
                             uniqueKey: "thumbnail:\(id.uuidString.lowercased())")
        _ = try await JobQueue.enqueue([job], tenant: tenant, on: connection, logger: logger, notify: true)
    }

    /// The original if its thumbnail is still to be made; `nil` otherwise.
    public func pending(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Source? {
        let rows = try await connection.checkedQuery("""
            SELECT message_id, storage_key, mime_type FROM attachments
            WHERE id = \(id) AND state = 'stored' AND thumbnail_state = 'pending'
            """, logger: logger)
        for try await (message, key, type) in rows.decode((UUID, String?, String?).self) {
            guard let key, let type else { return nil }
            return Source(id: id, messageID: message, storageKey: key, mimeType: type)
        }
        return nil
    }

    /// Records the thumbnail of `source` (stored under `key`) and appends `attachment.thumbnail_stored`.
    public func stored(_ source: Source, key: String, sha256: String, size: Int, mimeType: String, on connection: PostgresConnection,
                       logger: Logger) async throws {
        let rows = try await connection.checkedQuery("""
            UPDATE attachments SET thumbnail_state = 'stored', updated_at = now()
            WHERE id = \(source.id) AND thumbnail_state = 'pending'
            RETURNING id
            """, logger: logger)
        guard try await rows.decode(UUID.self).first(where: { _ in true }) != nil else { return }
        try await connection.checkedQuery("""
            INSERT INTO attachments (tenant_id, message_id, kind, state, mime_type, filename, size_bytes, sha256, storage_key, derived_from)
            VALUES (\(tenant.rawValue), \(source.messageID), 'image', 'stored', \(mimeType), \("thumbnail.\(mimeType == "image/webp" ? "webp" : "jpg")"),
                    \(Int64(size)), \(sha256), \(key), \(source.id))
            ON CONFLICT DO NOTHING
            """, logger: logger)
        try await event("attachment.thumbnail_stored", source, on: connection, logger: logger)
    }

    /// Gives up on the thumbnail (the job's attempts are used up); the original is shown instead.
    public func failed(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("""
            UPDATE attachments SET thumbnail_state = 'failed', updated_at = now() WHERE id = \(id) AND thumbnail_state = 'pending'
            """, logger: logger)
    }

    func event(_ type: String, _ source: Source, on connection: PostgresConnection, logger: Logger) async throws {
        let message = try await MessageStore(tenant: tenant).get(source.messageID, on: connection, logger: logger)
        let ticket = try await TicketStore(tenant: tenant).get(message.ticketID, on: connection, logger: logger)
        try await ConversationEvents(tenant: tenant, actor: "system").ticket(type, ticket, [
            "message_id": source.messageID.uuidString.lowercased(), "attachment_id": source.id.uuidString.lowercased(),
        ], on: connection, logger: logger)
    }
}
