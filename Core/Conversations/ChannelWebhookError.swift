/// An error a channel reports that belongs to no single message (WhatsApp `value.errors[]`): an app- or account-level
/// problem to show to the tenant's admins.
public struct ChannelWebhookError: Sendable, Codable, Hashable {
    /// The channel.
    public var channel: ChannelKind
    /// The business account the error concerns.
    public var accountID: String
    /// The provider's error code.
    public var code: Int?
    /// The provider's short title.
    public var title: String?
    /// The provider's details (`error_data.details`, else `message`).
    public var detail: String?

    /// Creates an error report.
    public init(channel: ChannelKind, accountID: String, code: Int? = nil, title: String? = nil, detail: String? = nil) {
        self.channel = channel
        self.accountID = accountID
        self.code = code
        self.title = title
        self.detail = detail
    }
}
