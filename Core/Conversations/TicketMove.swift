import Foundation

/// A split (messages moved out into a new ticket) or a merge (all of a ticket's messages moved into another, the
/// source closed), recorded so it can be undone.
public struct TicketMove: Sendable, Codable, Equatable {
    public var id: UUID
    /// `split` or `merge`.
    public var kind: String
    public var sourceTicketID: UUID
    public var targetTicketID: UUID
    public var messageIDs: [UUID]
    public var movedBy: String
    public var movedAt: Date
    public var undoneAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, kind
        case sourceTicketID = "source_ticket_id"
        case targetTicketID = "target_ticket_id"
        case messageIDs = "message_ids"
        case movedBy = "moved_by"
        case movedAt = "moved_at"
        case undoneAt = "undone_at"
    }
}
