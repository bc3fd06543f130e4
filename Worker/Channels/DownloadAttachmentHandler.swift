import Foundation
import GlavitoCore

/// `media.download_attachment`: fetches one attachment's bytes and stores them content-addressed. WhatsApp media
/// goes media id → short-lived URL → bytes, both with the bearer token; the URL is asked for again on every attempt
/// because it expires within minutes. The bytes must match the SHA-256 Meta sends; a transient failure or a
/// mismatch retries with back-off, and only the last attempt marks the attachment failed, with the reason.
struct DownloadAttachmentHandler: JobHandler {
    static let kind = InboundIngestor.mediaJobKind

    let graph: GraphAPIClient
    let keyRing: TenantKeyRing
    let storage: any AttachmentStorage
    /// The largest file accepted (WhatsApp documents go up to 100 MB).
    var maximumBytes = 100 * 1024 * 1024

    struct Payload: Decodable {
        let attachmentID: UUID
        enum CodingKeys: String, CodingKey { case attachmentID = "attachment_id" }
    }

    func run(_ job: JobRecord, context: JobContext) async throws {
        let id = try job.decodePayload(as: Payload.self).attachmentID
        let downloads = AttachmentDownloads(tenant: job.tenant, keyRing: keyRing)
        let logger = context.logger
        guard let pending = try await context.withTenantTransaction(job, { try await downloads.pending(id, on: $0, logger: logger) }) else {
            return
        }
        do {
            let (bytes, expected) = try await fetch(pending)
            guard AttachmentDownloads.matches(bytes, expected: expected) else {
                throw JobHandlerError(description: "the downloaded bytes do not match the SHA-256 the channel sent")
            }
            let sha = Hashing.hex(Hashing.sha256(bytes))
            let key = try await storage.store(bytes, sha256: sha, tenant: job.tenant)
            let type = ContentSniffer.resolve(sniffed: ContentSniffer.contentType(of: bytes), claimed: pending.claimedMimeType)
            try await context.withTenantTransaction(job) { connection in
                try await downloads.stored(id, key: key, sha256: sha, size: bytes.count, mimeType: type, on: connection, logger: logger)
            }
        } catch {
            let reason = String(String(describing: error).prefix(500))
            try await context.withTenantTransaction(job) { connection in
                if job.attempt >= job.maxAttempts {
                    try await downloads.failed(id, error: reason, on: connection, logger: logger)
                } else {
                    try await downloads.noteError(id, error: reason, on: connection, logger: logger)
                }
            }
            if job.attempt < job.maxAttempts { throw error }
        }
    }

    func fetch(_ pending: AttachmentDownloads.Pending) async throws -> ([UInt8], String?) {
        let token = pending.secrets.accessToken
        if let mediaID = pending.providerMediaID {
            let lookup = try await graph.send(.GET, "\(pending.account.graphBaseURL)/\(mediaID)", token: token)
            if let error = lookup.error { throw error }
            guard let url = lookup.json["url"] as? String else { throw JobHandlerError(description: "the media lookup gave no URL") }
            let file = try await graph.send(.GET, url, token: token, limit: maximumBytes)
            guard file.ok else { throw JobHandlerError(description: "the media download answered HTTP \(file.status)") }
            return (file.body, lookup.json["sha256"] as? String ?? pending.expectedSHA256)
        }
        guard let url = pending.sourceURL else { throw JobHandlerError(description: "the attachment has neither a media id nor a URL") }
        let file = try await graph.send(.GET, url, token: nil, limit: maximumBytes)
        guard file.ok else { throw JobHandlerError(description: "the download answered HTTP \(file.status)") }
        return (file.body, pending.expectedSHA256)
    }
}
