import Foundation

/// What an email message stores in `messages.content`: its envelope headers for display and threading, the
/// sanitised HTML, the folded-away quote and signature, and how it was classified and threaded.
public struct EmailMessageContent: Sendable, Codable, Equatable {
    public var subject: String?
    public var from: [EmailAddress]
    public var to: [EmailAddress]
    public var cc: [EmailAddress]
    /// Outbound only: blind copies (never written into the message).
    public var bcc: [EmailAddress]?
    public var replyTo: [EmailAddress]?
    public var messageID: String?
    public var inReplyTo: [String]?
    public var references: [String]?
    public var date: Date?
    /// The whole plain text when the message's text (what is shown) is only its new part.
    public var bodyText: String?
    /// Sanitised HTML of the new text (inline images point at `glavito-attachment:<id>`).
    public var html: String?
    public var quotedText: String?
    public var signature: String?
    /// `autoReplied`, `outOfOffice`, `bulk`, … when the mail was sent automatically; such mail is never answered
    /// automatically.
    public var autoReply: String?
    /// Set when the mail is our own (a loop) or its sender exceeded the per-minute limit: never acknowledged.
    public var suppressed: String?
    /// The parser's warnings (shown to the agent).
    public var warnings: [String]?
    /// How it was threaded.
    public var thread: EmailThreadDecision?
    /// Delivery report details when the mail is a bounce.
    public var bounce: [String: String]?
    /// Outbound: the agent's markup, and whether the mail was sent automatically (acknowledgement).
    public var markup: String?
    public var automatic: Bool?
    public var source: String?
    /// How it reached us: `mail_from`, `recipient`, `remote`.
    public var envelope: [String: String]?

    enum CodingKeys: String, CodingKey {
        case subject, from, to, cc, bcc, envelope, date, html, signature, warnings, thread, bounce, markup, automatic, source, suppressed
        case replyTo = "reply_to"
        case messageID = "message_id"
        case inReplyTo = "in_reply_to"
        case references
        case quotedText = "quoted_text"
        case bodyText = "body_text"
        case autoReply = "auto_reply"
    }

    /// An empty content.
    public init(subject: String? = nil, from: [EmailAddress] = [], to: [EmailAddress] = [], cc: [EmailAddress] = []) {
        self.subject = subject
        self.from = from
        self.to = to
        self.cc = cc
    }
}
