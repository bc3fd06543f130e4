import Foundation

/// Where an outbound message is on its way. Statuses only move forward (``rank``), because providers send them out
/// of order; `failed` ends a message that was not yet delivered.
public enum DeliveryStatus: String, Sendable, Codable, CaseIterable, Hashable {
    case queued, sent, delivered, read, played, failed

    /// The order statuses advance in; a status update with a lower rank than the current one is ignored.
    public var rank: Int {
        switch self {
        case .queued: 0
        case .sent: 1
        case .delivered: 2
        case .read: 3
        case .played: 4
        case .failed: 5
        }
    }
}

/// A provider's report on an outbound message (WhatsApp `statuses[]`, Instagram `read`/`delivery`).
public struct StatusUpdate: Sendable, Codable, Hashable {
    public var channel: ChannelKind
    /// The business account (WhatsApp phone number id, Instagram account id).
    public var accountID: String
    /// The provider's id of our outbound message.
    public var providerMessageID: String
    public var status: DeliveryStatus
    public var timestamp: Date
    /// The recipient as the provider names them (`recipient_id`).
    public var recipient: String?
    /// For `failed`: the provider's error code, title and details.
    public var errorCode: Int?
    public var errorTitle: String?
    public var errorDetail: String?
    /// WhatsApp `biz_opaque_callback_data`, echoed from our send request (we put our message id there).
    public var callbackData: String?

    public init(channel: ChannelKind, accountID: String, providerMessageID: String, status: DeliveryStatus, timestamp: Date,
                recipient: String? = nil, errorCode: Int? = nil, errorTitle: String? = nil, errorDetail: String? = nil,
                callbackData: String? = nil) {
        self.channel = channel
        self.accountID = accountID
        self.providerMessageID = providerMessageID
        self.status = status
        self.timestamp = timestamp
        self.recipient = recipient
        self.errorCode = errorCode
        self.errorTitle = errorTitle
        self.errorDetail = errorDetail
        self.callbackData = callbackData
    }
}

/// Everything one webhook body reported.
public struct ChannelWebhookBatch: Sendable, Hashable {
    public var messages: [InboundMessage]
    public var statuses: [StatusUpdate]
    /// Errors not tied to one message (WhatsApp `value.errors[]`).
    public var errors: [ChannelWebhookError]

    public init(messages: [InboundMessage] = [], statuses: [StatusUpdate] = [], errors: [ChannelWebhookError] = []) {
        self.messages = messages
        self.statuses = statuses
        self.errors = errors
    }
}
