import Foundation
import GlavitoCore

/// `media.thumbnail`: makes the thumbnail of one stored image (``ThumbnailMaker``), stores it content-addressed
/// and records it as a derived attachment of the original. A failure retries with the queue's back-off; the last
/// attempt marks the thumbnail failed (the timeline then shows the original), so a corrupt image is not retried
/// forever.
struct MakeThumbnailHandler: JobHandler {
    static let kind = AttachmentThumbnails.jobKind

    let storage: any AttachmentStorage
    var maker = ThumbnailMaker()

    struct Payload: Decodable {
        let attachmentID: UUID
        enum CodingKeys: String, CodingKey { case attachmentID = "attachment_id" }
    }

    func run(_ job: JobRecord, context: JobContext) async throws {
        let id = try job.decodePayload(as: Payload.self).attachmentID
        let thumbnails = AttachmentThumbnails(tenant: job.tenant)
        let logger = context.logger
        guard let source = try await context.withTenantTransaction(job, { try await thumbnails.pending(id, on: $0, logger: logger) }) else {
            return
        }
        do {
            let bytes = try await maker.thumbnail(of: try await storage.read(source.storageKey), mimeType: source.mimeType)
            let sha = Hashing.hex(Hashing.sha256(bytes))
            let key = try await storage.store(bytes, sha256: sha, tenant: job.tenant)
            try await context.withTenantTransaction(job) { connection in
                try await thumbnails.stored(source, key: key, sha256: sha, size: bytes.count, mimeType: "image/jpeg", on: connection, logger: logger)
            }
        } catch {
            guard job.attempt >= job.maxAttempts else { throw error }
            logger.warning("no thumbnail could be made", metadata: ["glavito.error": .string(String(describing: error).prefix(300).description)])
            try await context.withTenantTransaction(job) { connection in
                try await thumbnails.failed(id, on: connection, logger: logger)
            }
        }
    }
}
