/// What a message carries, across channels. Channel-specific detail stays in the message's raw content.
public enum MessageContentType: String, Sendable, Codable, CaseIterable, Hashable {
    case text, image, audio, voice, video, document, sticker, location, contacts
    /// WhatsApp interactive button or list reply.
    case interactive
    /// WhatsApp template quick-reply button.
    case button
    case reaction
    case unsupported
    /// Instagram: the customer mentioned the business in a story.
    case storyMention = "story_mention"
    /// Instagram: the customer replied to the business's story.
    case storyReply = "story_reply"
    /// Instagram: a shared post or reel.
    case share
    /// Instagram: a postback from a button.
    case postback
    /// Instagram: a quick reply chosen by the customer.
    case quickReply = "quick_reply"
    /// A generic file (Instagram `file`, web chat uploads).
    case file
    /// A WhatsApp template sent by the business.
    case template
    /// System or unknown events kept for the record.
    case system
}
