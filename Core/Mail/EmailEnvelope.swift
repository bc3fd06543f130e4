import Foundation

/// How a message reached us: the SMTP envelope (or, later, the mailbox it was fetched from).
public struct EmailEnvelope: Sendable, Equatable {
    /// Where it came from: `smtp` today; a mailbox poller would say `imap`.
    public var source: String
    /// The envelope sender (`MAIL FROM`), empty for bounces.
    public var mailFrom: String?
    /// The recipient this copy is for.
    public var recipient: EmailRoutes.Recipient
    /// The peer that delivered it.
    public var remoteAddress: String?
    /// When we received it.
    public var receivedAt: Date

    /// Creates an envelope.
    public init(source: String, mailFrom: String?, recipient: EmailRoutes.Recipient, remoteAddress: String?, receivedAt: Date = Date()) {
        self.source = source
        self.mailFrom = mailFrom
        self.recipient = recipient
        self.remoteAddress = remoteAddress
        self.receivedAt = receivedAt
    }
}
