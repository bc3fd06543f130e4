import Foundation

/// A file an agent attaches to a reply: in the request as base64, then stored (``storageKey``) before the reply's
/// transaction, which records it on the message. Email sends it as a MIME part.
public struct OutboundAttachment: Sendable, Equatable, Decodable {
    public var filename: String
    public var contentType: String
    /// Base64 of the bytes (requests only).
    public var data: String?
    /// Set once stored.
    public var storageKey: String?
    public var sha256: String?
    public var size: Int?

    enum CodingKeys: String, CodingKey {
        case filename, data
        case contentType = "content_type"
    }

    /// Most attachments on one reply, and most bytes in all.
    public static let maximumCount = 10
    public static let maximumBytes = 10 * 1024 * 1024

    public init(filename: String, contentType: String, data: String? = nil, storageKey: String? = nil, sha256: String? = nil, size: Int? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
        self.storageKey = storageKey
        self.sha256 = sha256
        self.size = size
    }

    /// Checks and stores `attachments` (decoding their base64), returning them with their storage keys and without
    /// their data.
    public static func store(_ attachments: [OutboundAttachment], tenant: TenantID, storage: any AttachmentStorage) async throws -> [OutboundAttachment] {
        guard attachments.count <= maximumCount else { throw ConversationError.invalid("at most \(maximumCount) attachments") }
        var decoded: [(OutboundAttachment, [UInt8])] = []
        var total = 0
        for attachment in attachments {
            let name = attachment.filename.trimmingCharacters(in: .whitespacesAndNewlines)
            guard (1...200).contains(name.count), !name.contains("/"), !name.contains("\\"), !name.unicodeScalars.contains(where: { $0.value < 32 }) else {
                throw ConversationError.invalid("attachments[].filename must be 1 to 200 characters without slashes or control characters")
            }
            let type = attachment.contentType.lowercased()
            let parts = type.split(separator: "/")
            guard parts.count == 2, type.allSatisfy({ $0.isLetter || $0.isNumber || "/.+-".contains($0) }) else {
                throw ConversationError.invalid("attachments[].content_type must be a MIME type like application/pdf")
            }
            guard let text = attachment.data, let data = Data(base64Encoded: text, options: .ignoreUnknownCharacters) else {
                throw ConversationError.invalid("attachments[].data must be base64")
            }
            total += data.count
            guard total <= maximumBytes else { throw ConversationError.invalid("attachments may hold at most \(maximumBytes / 1024 / 1024) MiB in all") }
            decoded.append((OutboundAttachment(filename: name, contentType: type), Array(data)))
        }
        var out: [OutboundAttachment] = []
        for (attachment, bytes) in decoded {
            let hash = Hashing.hex(Hashing.sha256(bytes))
            let key = try await storage.store(bytes, sha256: hash, tenant: tenant)
            out.append(OutboundAttachment(filename: attachment.filename, contentType: attachment.contentType, storageKey: key, sha256: hash,
                                          size: bytes.count))
        }
        return out
    }
}
