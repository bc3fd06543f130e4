import Foundation

/// A file a web chat visitor sends: an image (PNG, JPEG, WebP) or a PDF of at most ``maximumBytes``, its type
/// sniffed from the bytes (the name and the browser's claim are never trusted).
public struct WebChatUpload: Sendable, Equatable {
    /// The bytes.
    public let bytes: [UInt8]
    /// The sniffed content type.
    public let mimeType: String
    /// The file name the visitor's browser gave, without any path, at most 200 characters.
    public let filename: String
    /// Hex SHA-256 of the bytes.
    public let sha256: String

    /// The largest file accepted.
    public static let maximumBytes = 2 * 1024 * 1024
    /// The content types accepted.
    public static let acceptedTypes: Set<String> = ["image/png", "image/jpeg", "image/webp", "application/pdf"]

    /// Why a file is refused.
    public enum Refusal: Error, Equatable {
        case empty, tooLarge, unsupportedType
    }

    /// Checks `bytes` and names the file.
    public init(bytes: [UInt8], filename: String?) throws(Refusal) {
        guard !bytes.isEmpty else { throw .empty }
        guard bytes.count <= Self.maximumBytes else { throw .tooLarge }
        guard let type = ContentSniffer.contentType(of: bytes), Self.acceptedTypes.contains(type) else { throw .unsupportedType }
        self.bytes = bytes
        mimeType = type
        let base = (filename ?? "").split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let cleaned = String(base.filter { !$0.isNewline && $0 != "\0" }.prefix(200)).trimmingCharacters(in: .whitespaces)
        self.filename = cleaned.isEmpty ? "file" : cleaned
        sha256 = Hashing.hex(Hashing.sha256(bytes))
    }

    /// The message type it makes: `image` or `document`.
    public var kind: MessageContentType { mimeType.hasPrefix("image/") ? .image : .document }
}
