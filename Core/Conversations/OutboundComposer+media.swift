import Foundation
import Logging
import PostgresNIO

/// The shapes of a reply that go beyond text: WhatsApp reply buttons and files on WhatsApp, Instagram and web chat.
extension OutboundComposer {
    /// The stored content of an `interactive` reply: its body and either its buttons or its list.
    struct Interactive: Encodable {
        let markup: String
        var buttons: [OutboundRequest.Button]?
        var list: OutboundRequest.List?
    }

    /// WhatsApp's limits on reply buttons (Cloud API, interactive `button` messages).
    public static let maximumButtons = 3
    public static let maximumButtonTitle = 20
    public static let maximumButtonID = 256
    public static let maximumInteractiveBody = 1024
    /// WhatsApp's longest media caption (characters).
    public static let maximumCaption = 1024

    /// Checks an `interactive` request: WhatsApp only, no files, and either one to three buttons with unique ids (at
    /// most 256 characters) and unique titles (at most 20) under a body of at most 1,024 characters, or a list
    /// (``checkedList(_:)``) under a body of at most 4,096.
    static func interactive(_ request: OutboundRequest, channel: ChannelKind) throws -> Interactive {
        guard channel == .whatsapp else { throw ConversationError.unsupported("interactive reply buttons and lists exist only on WhatsApp") }
        guard (request.attachments ?? []).isEmpty else { throw ConversationError.unsupported("an interactive message carries no attachments") }
        let body = try text(request)
        if let list = request.list {
            guard (request.buttons ?? []).isEmpty else { throw ConversationError.unsupported("an interactive message has buttons or a list, not both") }
            guard body.count <= maximumListBody else {
                throw ConversationError.unsupported("a list message's text may have at most \(maximumListBody) characters; this has \(body.count)")
            }
            return Interactive(markup: body, list: try checkedList(list))
        }
        guard body.count <= maximumInteractiveBody else {
            throw ConversationError.unsupported("an interactive message's text may have at most \(maximumInteractiveBody) characters; this has \(body.count)")
        }
        let buttons = (request.buttons ?? []).map {
            OutboundRequest.Button(id: $0.id.trimmingCharacters(in: .whitespacesAndNewlines), title: $0.title.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        guard (1...maximumButtons).contains(buttons.count) else {
            throw ConversationError.unsupported("an interactive message needs 1 to \(maximumButtons) buttons (or a list); it has \(buttons.count)")
        }
        for (index, button) in buttons.enumerated() {
            guard (1...maximumButtonID).contains(button.id.count) else {
                throw ConversationError.unsupported("buttons[\(index)].id must have 1 to \(maximumButtonID) characters")
            }
            guard (1...maximumButtonTitle).contains(button.title.count) else {
                throw ConversationError.unsupported("buttons[\(index)].title must have 1 to \(maximumButtonTitle) characters; \"\(button.title)\" has \(button.title.count)")
            }
        }
        guard Set(buttons.map(\.id)).count == buttons.count, Set(buttons.map(\.title)).count == buttons.count else {
            throw ConversationError.unsupported("button ids and titles must be unique")
        }
        return Interactive(markup: body, buttons: buttons)
    }

    /// Checks a `text` request with or without files on a messaging channel: the message type, its text (a caption
    /// on WhatsApp) and each stored file with the kind it is sent as.
    static func media(_ request: OutboundRequest, channel: ChannelKind) throws
        -> (MessageContentType, String?, [(OutboundAttachment, ChannelMediaRules.Accepted)]) {
        let attachments = request.attachments ?? []
        guard !attachments.isEmpty else { return (.text, try text(request), []) }
        let trimmed = request.text?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        let caption = trimmed.isEmpty ? nil : try text(request)
        switch channel {
        case .whatsapp:
            guard attachments.count == 1 else {
                throw ConversationError.unsupported("WhatsApp sends one file per message (with the text as its caption); this reply has \(attachments.count)")
            }
            let accepted = try ChannelMediaRules.whatsapp(attachments[0])
            if let caption {
                guard accepted.kind != .audio else {
                    throw ConversationError.unsupported("WhatsApp audio takes no caption; send the text as a message of its own")
                }
                guard caption.count <= maximumCaption else {
                    throw ConversationError.unsupported("a WhatsApp caption may have at most \(maximumCaption) characters; this has \(caption.count)")
                }
            }
            return (accepted.kind, caption, [(attachments[0], accepted)])
        case .instagram, .webchat:
            let accepted = try attachments.map { ($0, channel == .instagram ? try ChannelMediaRules.instagram($0) : try ChannelMediaRules.webchat($0)) }
            return (caption == nil ? accepted[0].1.kind : .text, caption, accepted)
        default:
            throw ConversationError.unsupported("attachments are sent on email, WhatsApp, Instagram and web chat")
        }
    }

    /// Records the stored files of an outbound message (and queues thumbnails of its images).
    func record(_ media: [(OutboundAttachment, ChannelMediaRules.Accepted)], message: UUID, on connection: PostgresConnection,
                logger: Logger) async throws {
        for (attachment, accepted) in media {
            guard let key = attachment.storageKey else { throw ConversationError.invalid("attachments must be stored before the reply") }
            let id = UUID()
            try await connection.checkedQuery("""
                INSERT INTO attachments (tenant_id, id, message_id, kind, state, claimed_mime_type, mime_type, filename, size_bytes, sha256,
                                         storage_key, created_at)
                VALUES (\(tenant.rawValue), \(id), \(message), \(accepted.kind.rawValue), 'stored', \(attachment.contentType), \(accepted.mimeType),
                        \(attachment.filename), \(Int64(attachment.size ?? 0)), \(attachment.sha256), \(key), clock_timestamp())
                """, logger: logger)
            try await AttachmentThumbnails(tenant: tenant).enqueue(id, mimeType: accepted.mimeType, on: connection, logger: logger)
        }
    }
}
