import Foundation

/// An email we send, before it becomes bytes (see ``MIMEWriter``).
public struct OutboundEmail: Sendable {
    public var from: EmailAddress
    public var to: [EmailAddress]
    public var cc: [EmailAddress]
    /// The per-ticket reply address, so replies thread even when a client drops our headers.
    public var replyTo: EmailAddress?
    public var subject: String
    /// Our Message-ID, without angle brackets.
    public var messageID: String
    /// The Message-ID this one answers, without angle brackets.
    public var inReplyTo: String?
    /// The thread's Message-IDs, oldest first, without angle brackets.
    public var references: [String]
    public var date: Date
    /// The plain-text part.
    public var text: String
    /// The HTML part (a whole document).
    public var html: String
    /// Files, and inline images referenced from the HTML as `cid:`.
    public var attachments: [EmailAttachment]
    /// Further header fields, e.g. `Auto-Submitted` on automatic replies.
    public var extraHeaders: [(name: String, value: String)]

    /// Creates an email.
    public init(from: EmailAddress, to: [EmailAddress], cc: [EmailAddress] = [], replyTo: EmailAddress? = nil, subject: String,
                messageID: String, inReplyTo: String? = nil, references: [String] = [], date: Date = Date(), text: String, html: String,
                attachments: [EmailAttachment] = [], extraHeaders: [(name: String, value: String)] = []) {
        self.from = from
        self.to = to
        self.cc = cc
        self.replyTo = replyTo
        self.subject = subject
        self.messageID = messageID
        self.inReplyTo = inReplyTo
        self.references = references
        self.date = date
        self.text = text
        self.html = html
        self.attachments = attachments
        self.extraHeaders = extraHeaders
    }
}
