import Foundation

/// One entry of a ticket's timeline: an inbound message, an outbound reply, or an internal note.
public struct Message: Sendable, Codable, Equatable {
    public var id: UUID
    public var ticketID: UUID
    public var contactID: UUID
    public var channel: ChannelKind
    public var channelAccountID: UUID?
    /// inbound, outbound, note.
    public var direction: String
    /// contact, agent, bot, system.
    public var authorKind: String
    public var authorID: UUID?
    public var type: MessageContentType
    public var text: String?
    /// The channel's own JSON, as received or sent.
    public var content: JSONValue
    public var providerMessageID: String?
    public var replyToMessageID: UUID?
    public var reactions: [String: JSONValue]
    /// For outbound messages: queued, sent, delivered, read, played, failed.
    public var deliveryStatus: DeliveryStatus?
    /// The provider's error for a failed message.
    public var deliveryError: JSONValue?
    public var attachments: [Attachment]
    public var sentAt: Date
    public var deletedAt: Date?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, channel, direction, type, text, content, reactions, attachments
        case ticketID = "ticket_id"
        case contactID = "contact_id"
        case channelAccountID = "channel_account_id"
        case authorKind = "author_kind"
        case authorID = "author_id"
        case providerMessageID = "provider_message_id"
        case replyToMessageID = "reply_to_message_id"
        case deliveryStatus = "delivery_status"
        case deliveryError = "delivery_error"
        case sentAt = "sent_at"
        case deletedAt = "deleted_at"
        case createdAt = "created_at"
    }
}

/// A file attached to a message. Its bytes are downloaded by a job (state `pending` until then) and stored
/// content-addressed; `failed` only after the retries are used up, with the error.
public struct Attachment: Sendable, Codable, Equatable {
    public var id: UUID
    public var kind: MessageContentType
    /// pending, stored, failed.
    public var state: String
    /// The sniffed content type once stored, else the type the channel claimed.
    public var mimeType: String?
    public var filename: String?
    public var sizeBytes: Int64?
    /// Hex SHA-256 of the stored bytes.
    public var sha256: String?
    public var error: String?
    /// Of an image: `pending`, `stored` or `failed` (``AttachmentThumbnails``); `nil` when none is made.
    public var thumbnailState: String?
    /// The stored thumbnail (a derived attachment), if any.
    public var thumbnailID: UUID?
    /// A signed URL of the thumbnail, set by the API when it renders the attachment for a reader.
    public var thumbnailURL: String?

    enum CodingKeys: String, CodingKey {
        case id, kind, state, filename, sha256, error
        case mimeType = "mime_type"
        case sizeBytes = "size_bytes"
        case thumbnailState = "thumbnail_state"
        case thumbnailID = "thumbnail_id"
        case thumbnailURL = "thumbnail_url"
    }
}
