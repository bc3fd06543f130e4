import Foundation

/// A message as `MIMEParser.parse` understood it: headers, the text to show, attachments and what else it carries.
public struct ParsedEmail: Sendable {
    /// Every header field in order.
    public var headers: [EmailHeader] = []
    /// Message-ID without `<>`.
    public var messageID: String?
    /// In-Reply-To message ids without `<>`, in order.
    public var inReplyTo: [String] = []
    /// References message ids without `<>`, in order.
    public var references: [String] = []
    /// The decoded Subject.
    public var subject: String?
    /// From mailboxes.
    public var from: [EmailAddress] = []
    /// The Sender mailbox.
    public var sender: EmailAddress?
    /// To mailboxes (groups flattened).
    public var to: [EmailAddress] = []
    /// Cc mailboxes (groups flattened).
    public var cc: [EmailAddress] = []
    /// Reply-To mailboxes.
    public var replyTo: [EmailAddress] = []
    /// The Date header.
    public var date: Date?
    /// The plain text body (decoded), or text derived from the HTML body when there is only HTML.
    public var text: String?
    /// Whether `text` was derived from `html` (the message has no plain text body).
    public var textIsDerivedFromHTML = false
    /// The HTML body decoded to a String (unsanitised; pass it through `EmailHTMLSanitizer` before showing it).
    public var html: String?
    /// The HTML body without the quoted history (unsanitised), when there is an HTML body.
    public var newHTML: String?
    /// The new text, without quoted history and signature.
    public var newText: String = ""
    /// The quoted history folded away from `newText`.
    public var quotedText: String?
    /// The signature folded away from `newText`.
    public var signature: String?
    /// Files, inline images and signatures, in message order.
    public var attachments: [EmailAttachment] = []
    /// Forwarded messages (message/rfc822 parts).
    public var forwarded: [ParsedEmail] = []
    /// The delivery status notification when the message is a multipart/report bounce.
    public var deliveryReport: DeliveryReport?
    /// How the headers mark the message as automatic, if they do.
    public var autoReply: AutoReplyKind?
    /// Human-readable notes on what was malformed and how it was read.
    public var warnings: [String] = []

    /// An empty message.
    public init() {}

    /// The first header field called `name` (case-insensitive), unfolded and decoded.
    public func header(_ name: String) -> String? {
        headers.first { HeaderBlock.sameName($0.name, name) }?.value
    }

    /// Every value of the fields called `name` (case-insensitive), in order.
    public func headers(_ name: String) -> [String] {
        headers.filter { HeaderBlock.sameName($0.name, name) }.map(\.value)
    }
}
