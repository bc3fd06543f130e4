import Foundation

/// The unit of work: a customer's request, with its messages from any channel.
public struct Ticket: Sendable, Codable, Equatable {
    public var id: UUID
    public var contactID: UUID
    public var subject: String
    /// open, pending, snoozed, resolved, closed.
    public var status: String
    /// urgent, high, normal, low.
    public var priority: String
    public var assigneeID: UUID?
    public var team: String?
    public var tags: [String]
    public var customFields: [String: JSONValue]
    /// The channel the ticket began on.
    public var channel: ChannelKind
    /// The channel the customer wrote on last: the reply default.
    public var lastChannel: ChannelKind
    public var lastChannelAccountID: UUID?
    public var lastMessageAt: Date
    public var lastInboundAt: Date?
    public var firstResponseAt: Date?
    public var resolvedAt: Date?
    public var closedAt: Date?
    public var snoozedUntil: Date?
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, subject, status, priority, team, tags, channel
        case contactID = "contact_id"
        case assigneeID = "assignee_id"
        case customFields = "custom_fields"
        case lastChannel = "last_channel"
        case lastChannelAccountID = "last_channel_account_id"
        case lastMessageAt = "last_message_at"
        case lastInboundAt = "last_inbound_at"
        case firstResponseAt = "first_response_at"
        case resolvedAt = "resolved_at"
        case closedAt = "closed_at"
        case snoozedUntil = "snoozed_until"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }

    /// The statuses a ticket can have.
    public static let statuses = ["open", "pending", "snoozed", "resolved", "closed"]
    /// The priorities, most urgent first.
    public static let priorities = ["urgent", "high", "normal", "low"]

    /// The facts live updates and webhooks filter on (`assignee_id`, `team_id`), for event data.
    public var scope: [String: String] {
        var out: [String: String] = ["ticket_id": id.uuidString.lowercased(), "contact_id": contactID.uuidString.lowercased(),
                                     "status": status, "priority": priority]
        if let assigneeID { out["assignee_id"] = assigneeID.uuidString.lowercased() }
        if let team { out["team_id"] = team }
        return out
    }
}
