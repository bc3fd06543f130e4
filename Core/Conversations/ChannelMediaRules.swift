import Foundation

/// Which files WhatsApp and Instagram take from a business, by the type sniffed from the bytes (a claimed type is
/// only used to tell Office documents apart inside a zip container), and how large each kind may be: WhatsApp
/// Cloud API "Supported media types" (images JPEG/PNG up to 5 MB, audio and video up to 16 MB, documents up to
/// 100 MB) and the Instagram Messaging Send API (images up to 8 MB, audio, video and PDF files up to 25 MB). Web
/// chat takes what its widget shows: PNG, JPEG and WebP images and PDF documents up to 10 MB.
public enum ChannelMediaRules {
    /// A file the channel takes: what kind of message it makes and the type to declare.
    public struct Accepted: Sendable, Equatable {
        /// `image`, `audio`, `video` or `document` (WhatsApp) / `file` (Instagram).
        public var kind: MessageContentType
        /// The sniffed content type.
        public var mimeType: String
    }

    /// WhatsApp's largest document (the largest file any channel takes).
    public static let whatsappDocumentBytes = 100 * 1_000_000

    static let whatsapp: [(kind: MessageContentType, types: Set<String>, bytes: Int)] = [
        (.image, ["image/jpeg", "image/png"], 5 * 1_000_000),
        (.audio, ["audio/aac", "audio/amr", "audio/mpeg", "audio/mp4", "audio/ogg"], 16 * 1_000_000),
        (.video, ["video/mp4", "video/3gpp"], 16 * 1_000_000),
        (.document, ["application/pdf", "text/plain", "application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
                     "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                     "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "application/vnd.openxmlformats-officedocument.presentationml.presentation"], whatsappDocumentBytes),
    ]

    static let instagram: [(kind: MessageContentType, types: Set<String>, bytes: Int)] = [
        (.image, ["image/jpeg", "image/png", "image/gif"], 8 * 1_000_000),
        (.video, ["video/mp4", "video/webm", "video/ogg", "video/quicktime"], 25 * 1_000_000),
        (.audio, ["audio/aac", "audio/mp4", "audio/wav"], 25 * 1_000_000),
        (.file, ["application/pdf"], 25 * 1_000_000),
    ]

    static let webchat: [(kind: MessageContentType, types: Set<String>, bytes: Int)] = [
        (.image, ["image/jpeg", "image/png", "image/webp"], 10 * 1_000_000),
        (.document, ["application/pdf"], 10 * 1_000_000),
    ]

    /// The kind of web chat attachment `attachment` (stored) makes, or ``ConversationError/unsupported(_:)``.
    public static func webchat(_ attachment: OutboundAttachment) throws -> Accepted {
        try check(attachment, webchat, channel: "web chat")
    }

    /// The kind of WhatsApp message `attachment` (stored) makes, or ``ConversationError/unsupported(_:)`` saying why not.
    public static func whatsapp(_ attachment: OutboundAttachment) throws -> Accepted {
        try check(attachment, whatsapp, channel: "WhatsApp")
    }

    /// The kind of Instagram attachment `attachment` (stored) makes, or ``ConversationError/unsupported(_:)``.
    public static func instagram(_ attachment: OutboundAttachment) throws -> Accepted {
        try check(attachment, instagram, channel: "Instagram")
    }

    static func check(_ attachment: OutboundAttachment, _ rules: [(kind: MessageContentType, types: Set<String>, bytes: Int)],
                      channel: String) throws -> Accepted {
        let type = ContentSniffer.resolve(sniffed: attachment.sniffedType, claimed: attachment.contentType)
        guard let rule = rules.first(where: { $0.types.contains(type) }) else {
            let accepted = rules.map { "\($0.kind.rawValue): \($0.types.sorted().joined(separator: ", "))" }.joined(separator: "; ")
            throw ConversationError.unsupported("\(attachment.filename) is \(type), which \(channel) does not take (accepted: \(accepted))")
        }
        let size = attachment.size ?? 0
        guard size > 0 else { throw ConversationError.unsupported("\(attachment.filename) is empty") }
        guard size <= rule.bytes else {
            throw ConversationError.unsupported("\(attachment.filename) has \(size) bytes; \(channel) takes \(rule.kind.rawValue) files of at most \(rule.bytes / 1_000_000) MB")
        }
        return Accepted(kind: rule.kind, mimeType: type)
    }
}
