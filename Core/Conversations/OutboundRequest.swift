import Foundation

/// What an agent (or a bot) sends on a ticket.
public struct OutboundRequest: Sendable, Equatable, Decodable {
    /// `text` (free text in Glavito's markup), `template` (a WhatsApp template), `interactive` (WhatsApp reply
    /// buttons or a list: ``text`` is the body, ``buttons`` or ``list`` the choices) or `note` (internal, never sent).
    public var type: String
    /// The text of a `text` or `note`.
    public var text: String?
    /// The channel account to reply on; default: the one the customer wrote on last.
    public var channelAccountID: UUID?
    /// For `template`: the approved template's name, its language and the body parameters in order.
    public var template: Template?
    /// Reply to this message of the ticket (quoted on channels that support it).
    public var replyToMessageID: UUID?
    /// Email: more recipients, blind copies and a subject (default: `Re: ` and the ticket's subject).
    public var cc: [String]?
    public var bcc: [String]?
    public var subject: String?
    /// Files to send along: email (any number), WhatsApp (one, with ``text`` as its caption), Instagram (each after the text).
    public var attachments: [OutboundAttachment]?
    /// For `interactive`: one to three reply buttons.
    public var buttons: [Button]?
    /// For `interactive`, instead of buttons: a list of up to ten choices.
    public var list: List?
    /// Sent by Glavito itself (an acknowledgement), not by a person or an API client; never decoded from requests.
    public var automatic = false

    /// A template reference.
    public struct Template: Sendable, Equatable, Codable {
        public var name: String
        public var language: String
        public var parameters: [String]

        public init(name: String, language: String, parameters: [String] = []) {
            self.name = name
            self.language = language
            self.parameters = parameters
        }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            name = try container.decode(String.self, forKey: .name)
            language = try container.decode(String.self, forKey: .language)
            parameters = try container.decodeIfPresent([String].self, forKey: .parameters) ?? []
        }

        enum CodingKeys: String, CodingKey { case name, language, parameters }
    }

    /// A WhatsApp reply button: the id comes back in the customer's button reply, the title is what they see.
    public struct Button: Sendable, Equatable, Codable {
        public var id: String
        public var title: String

        public init(id: String, title: String) {
            self.id = id
            self.title = title
        }
    }

    enum CodingKeys: String, CodingKey {
        case type, text, template, cc, bcc, subject, attachments, buttons, list
        case channelAccountID = "channel_account_id"
        case replyToMessageID = "reply_to_message_id"
    }

    public init(type: String, text: String? = nil, channelAccountID: UUID? = nil, template: Template? = nil, replyToMessageID: UUID? = nil,
                cc: [String]? = nil, bcc: [String]? = nil, subject: String? = nil) {
        self.cc = cc
        self.bcc = bcc
        self.subject = subject
        self.type = type
        self.text = text
        self.channelAccountID = channelAccountID
        self.template = template
        self.replyToMessageID = replyToMessageID
    }
}

/// The customer-service window of one channel account for a ticket's customer.
public struct ChannelWindow: Sendable, Equatable, Codable {
    public var channelAccountID: UUID
    public var channel: ChannelKind
    /// When the customer last wrote on this account.
    public var lastInboundAt: Date?
    /// When free text stops being allowed (24 h after the last inbound message); `nil` if they never wrote.
    public var closesAt: Date?
    /// Instagram: until when the HUMAN_AGENT tag still allows a reply (7 days).
    public var humanAgentClosesAt: Date?
    /// Whether free text can be sent now.
    public var open: Bool

    enum CodingKeys: String, CodingKey {
        case channel, open
        case channelAccountID = "channel_account_id"
        case lastInboundAt = "last_inbound_at"
        case closesAt = "closes_at"
        case humanAgentClosesAt = "human_agent_closes_at"
    }

    /// The standard 24-hour window.
    public static let length: TimeInterval = 24 * 3600
    /// Instagram's HUMAN_AGENT tag window.
    public static let humanAgentLength: TimeInterval = 7 * 24 * 3600

    /// The window of `channel` after a last inbound message at `lastInbound`, seen at `now`.
    public init(channelAccountID: UUID, channel: ChannelKind, lastInboundAt: Date?, now: Date = Date()) {
        self.channelAccountID = channelAccountID
        self.channel = channel
        self.lastInboundAt = lastInboundAt
        closesAt = lastInboundAt.map { $0.addingTimeInterval(Self.length) }
        humanAgentClosesAt = channel == .instagram ? lastInboundAt.map { $0.addingTimeInterval(Self.humanAgentLength) } : nil
        let limit = humanAgentClosesAt ?? closesAt
        open = (channel != .whatsapp && channel != .instagram) || (limit.map { $0 > now } ?? false)
    }
}
