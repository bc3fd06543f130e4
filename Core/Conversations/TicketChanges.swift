import Foundation

/// Changes to a ticket; `nil` leaves a field as it is. ``clearAssignee`` and ``clearTeam`` remove them.
public struct TicketChanges: Sendable, Equatable, Decodable {
    public var subject: String?
    public var status: String?
    public var priority: String?
    public var assigneeID: UUID?
    public var clearAssignee = false
    public var team: String?
    public var clearTeam = false
    public var tags: [String]?
    /// Merged key by key; a JSON null removes the key.
    public var customFields: [String: JSONValue]?
    /// For `snoozed`: until when.
    public var snoozedUntil: Date?

    enum CodingKeys: String, CodingKey {
        case subject, status, priority, team, tags
        case assigneeID = "assignee_id"
        case customFields = "custom_fields"
        case snoozedUntil = "snoozed_until"
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        subject = try container.decodeIfPresent(String.self, forKey: .subject)
        status = try container.decodeIfPresent(String.self, forKey: .status)
        priority = try container.decodeIfPresent(String.self, forKey: .priority)
        if container.contains(.assigneeID) {
            assigneeID = try container.decodeIfPresent(UUID.self, forKey: .assigneeID)
            clearAssignee = assigneeID == nil
        }
        if container.contains(.team) {
            team = try container.decodeIfPresent(String.self, forKey: .team)
            clearTeam = team == nil
        }
        tags = try container.decodeIfPresent([String].self, forKey: .tags)
        customFields = try container.decodeIfPresent([String: JSONValue].self, forKey: .customFields)
        if let text = try container.decodeIfPresent(String.self, forKey: .snoozedUntil) {
            guard let date = try? Date(text, strategy: .iso8601) else {
                throw DecodingError.dataCorruptedError(forKey: .snoozedUntil, in: container, debugDescription: "snoozed_until must be RFC 3339")
            }
            snoozedUntil = date
        }
    }

    /// Whether the change touches assignment (which needs its own permission).
    public var changesAssignment: Bool { assigneeID != nil || clearAssignee || team != nil || clearTeam }

    /// Throws ``ConversationError/invalid(_:)`` naming the first bad field.
    public func validate() throws {
        if let status, !Ticket.statuses.contains(status) {
            throw ConversationError.invalid("status must be one of \(Ticket.statuses.joined(separator: ", "))")
        }
        if let priority, !Ticket.priorities.contains(priority) {
            throw ConversationError.invalid("priority must be one of \(Ticket.priorities.joined(separator: ", "))")
        }
        if status == "snoozed", snoozedUntil == nil { throw ConversationError.invalid("a snoozed ticket needs snoozed_until") }
        if let subject, subject.count > 200 { throw ConversationError.invalid("subject must be at most 200 characters") }
        if let tags {
            guard tags.count <= 50, tags.allSatisfy({ (1...50).contains($0.count) && !$0.contains(",") }) else {
                throw ConversationError.invalid("tags: at most 50, each 1 to 50 characters without commas")
            }
        }
        if let team, !(1...100).contains(team.count) { throw ConversationError.invalid("team must be 1 to 100 characters") }
    }
}
