import Foundation

/// Media attached to an inbound message, as the channel describes it (not yet downloaded).
public struct MediaReference: Sendable, Codable, Hashable {
    /// The WhatsApp media id, resolved to a short-lived URL by the media job.
    public var providerMediaID: String?
    /// A direct URL (Instagram attachments; expires).
    public var url: String?
    /// The MIME type the channel claims (sniffed again after download).
    public var mimeType: String?
    /// The checksum the channel sends (WhatsApp `sha256`; hex or base64, as received).
    public var sha256: String?
    /// The file name (WhatsApp documents).
    public var filename: String?
    /// Which kind of media (image, audio, voice, video, document, sticker, file, ...).
    public var kind: MessageContentType

    public init(providerMediaID: String? = nil, url: String? = nil, mimeType: String? = nil, sha256: String? = nil,
                filename: String? = nil, kind: MessageContentType) {
        self.providerMediaID = providerMediaID
        self.url = url
        self.mimeType = mimeType
        self.sha256 = sha256
        self.filename = filename
        self.kind = kind
    }
}

/// A reaction to an earlier message; `emoji == nil` removes the sender's reaction.
public struct Reaction: Sendable, Codable, Hashable {
    /// The provider id of the message reacted to.
    public var targetProviderMessageID: String
    /// The emoji, or `nil` when the reaction was removed.
    public var emoji: String?

    public init(targetProviderMessageID: String, emoji: String?) {
        self.targetProviderMessageID = targetProviderMessageID
        self.emoji = emoji
    }
}

/// One message from a customer (or an Instagram echo of the business's own message), normalised from a channel's
/// webhook. The parser keeps the channel's own JSON for the message in ``content``.
public struct InboundMessage: Sendable, Codable, Hashable {
    /// The channel.
    public var channel: ChannelKind
    /// The business account that received it: WhatsApp `metadata.phone_number_id`, Instagram `recipient.id`
    /// (for echoes, `sender.id`).
    public var accountID: String
    /// The provider's message id (`wamid.…`, Instagram `mid`): unique per channel account.
    public var providerMessageID: String
    /// The customer's identities this message reveals (WhatsApp: `wa_id` and the phone in E.164 when present, the
    /// BSUID when present; Instagram: the IGSID).
    public var sender: [IdentityClaim]
    /// The customer's profile name, when the channel sends one.
    public var profileName: String?
    /// When the customer sent it (the channel's timestamp).
    public var sentAt: Date
    /// What it carries.
    public var type: MessageContentType
    /// The text: body, caption, button or list reply title, postback title, location name; `nil` when none.
    public var text: String?
    /// Media to download.
    public var media: [MediaReference]
    /// The provider id of the message this one replies to (WhatsApp `context.id`, Instagram `reply_to.mid`).
    public var replyToProviderMessageID: String?
    /// Set for reactions.
    public var reaction: Reaction?
    /// Instagram `is_echo`: the business sent this from the Instagram app; shown as an agent message.
    public var isEcho: Bool
    /// Instagram `is_deleted`: the customer deleted the message ``providerMessageID``.
    public var isDeletion: Bool
    /// This message's JSON object exactly as the channel sent it.
    public var content: String

    public init(channel: ChannelKind, accountID: String, providerMessageID: String, sender: [IdentityClaim],
                profileName: String? = nil, sentAt: Date, type: MessageContentType, text: String? = nil,
                media: [MediaReference] = [], replyToProviderMessageID: String? = nil, reaction: Reaction? = nil,
                isEcho: Bool = false, isDeletion: Bool = false, content: String) {
        self.channel = channel
        self.accountID = accountID
        self.providerMessageID = providerMessageID
        self.sender = sender
        self.profileName = profileName
        self.sentAt = sentAt
        self.type = type
        self.text = text
        self.media = media
        self.replyToProviderMessageID = replyToProviderMessageID
        self.reaction = reaction
        self.isEcho = isEcho
        self.isDeletion = isDeletion
        self.content = content
    }
}
