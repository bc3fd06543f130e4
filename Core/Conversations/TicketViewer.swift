import Foundation

/// An agent viewing a ticket, and whether they are typing (docs/workspace.md, "Presence").
public struct TicketViewer: Sendable, Equatable, Codable {
    public var userID: UUID
    public var name: String
    public var typing: Bool
    public var seenAt: Date

    enum CodingKeys: String, CodingKey {
        case name, typing
        case userID = "user_id"
        case seenAt = "seen_at"
    }
}
