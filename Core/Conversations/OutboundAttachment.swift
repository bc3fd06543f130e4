import Foundation

/// A file an agent attaches to a reply: in the request as base64, then stored (``storageKey``) before the reply's
/// transaction, which records it on the message. Email sends it as a MIME part with the claimed type; WhatsApp and
/// Instagram only ever use the type sniffed from the bytes (``sniffedType``), see ``ChannelMediaRules``.
public struct OutboundAttachment: Sendable, Equatable, Decodable {
    public var filename: String
    public var contentType: String
    /// Base64 of the bytes (requests only).
    public var data: String?
    /// Set once stored.
    public var storageKey: String?
    public var sha256: String?
    public var size: Int?
    /// The type found in the bytes when stored (``ContentSniffer``), `nil` when nothing matched.
    public var sniffedType: String?

    enum CodingKeys: String, CodingKey {
        case filename, data
        case contentType = "content_type"
    }

    /// Most attachments on one reply, and most bytes in all on an email.
    public static let maximumCount = 10
    public static let maximumBytes = 10 * 1024 * 1024
    /// Most bytes in all that are stored before the channel's own limits are checked (a WhatsApp document).
    public static let maximumStoredBytes = ChannelMediaRules.whatsappDocumentBytes
    /// The largest reply request body: the stored maximum in base64, plus room for the rest.
    public static let maximumRequestBytes = maximumStoredBytes / 3 * 4 + 1024 * 1024

    public init(filename: String, contentType: String, data: String? = nil, storageKey: String? = nil, sha256: String? = nil, size: Int? = nil,
                sniffedType: String? = nil) {
        self.filename = filename
        self.contentType = contentType
        self.data = data
        self.storageKey = storageKey
        self.sha256 = sha256
        self.size = size
        self.sniffedType = sniffedType
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
            guard total <= maximumStoredBytes else {
                throw ConversationError.unsupported("attachments may hold at most \(maximumStoredBytes / 1_000_000) MB in all")
            }
            decoded.append((OutboundAttachment(filename: name, contentType: type), Array(data)))
        }
        var out: [OutboundAttachment] = []
        for (attachment, bytes) in decoded {
            let hash = Hashing.hex(Hashing.sha256(bytes))
            let key = try await storage.store(bytes, sha256: hash, tenant: tenant)
            out.append(OutboundAttachment(filename: attachment.filename, contentType: attachment.contentType, storageKey: key, sha256: hash,
                                          size: bytes.count, sniffedType: ContentSniffer.contentType(of: bytes)))
        }
        return out
    }
}
