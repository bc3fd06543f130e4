import Foundation

/// A delivery status notification (RFC 3464) found in a multipart/report bounce.
public struct DeliveryReport: Sendable, Hashable {
    /// The Message-ID (without `<>`) of the message that bounced, from the returned headers.
    public var originalMessageID: String?
    /// One entry per recipient field group.
    public var recipients: [Recipient]
    /// Whether some recipient failed with a permanent (5.x.x) status.
    public var isPermanentFailure: Bool

    /// The per-recipient fields of a report.
    public struct Recipient: Sendable, Hashable {
        /// Final-Recipient without its address type (`rfc822;`).
        public var finalRecipient: String?
        /// Action: failed, delayed, delivered, relayed, expanded (lower-cased).
        public var action: String?
        /// Status, e.g. `5.1.1`.
        public var status: String?
        /// Diagnostic-Code without its type (`smtp;`).
        public var diagnostic: String?

        /// A recipient entry.
        public init(finalRecipient: String? = nil, action: String? = nil, status: String? = nil, diagnostic: String? = nil) {
            self.finalRecipient = finalRecipient
            self.action = action
            self.status = status
            self.diagnostic = diagnostic
        }
    }

    /// A report.
    public init(originalMessageID: String?, recipients: [Recipient], isPermanentFailure: Bool) {
        self.originalMessageID = originalMessageID
        self.recipients = recipients
        self.isPermanentFailure = isPermanentFailure
    }
}
