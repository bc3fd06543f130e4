import Foundation

/// Filters and a page position for listing tickets, newest activity first.
public struct TicketFilter: Sendable, Equatable {
    public var status: String?
    /// A user id; ``unassigned`` selects tickets without one.
    public var assignee: UUID?
    public var unassigned = false
    /// Team keys: tickets of any of them (empty: any team or none).
    public var teams: [String] = []
    /// Custom field values the ticket must have, exactly (`custom_fields @> {…}`).
    public var customFields: [String: JSONValue] = [:]
    public var priority: String?
    /// The channel the customer wrote on last.
    public var channel: ChannelKind?
    public var tag: String?
    public var contact: UUID?
    /// Only tickets changed at or after this instant.
    public var updatedSince: Date?
    /// Words that must all occur in the subject (full-text, `simple` configuration).
    public var text: String?
    /// The position to continue after (from ``TicketPage/next``).
    public var after: TicketCursor?
    public var limit = 50

    public init() {}
}

/// A keyset position in the ticket list: `(updated_at, id)` of the last ticket of a page, as opaque text.
public struct TicketCursor: Sendable, Equatable {
    public var updatedAt: Date
    public var id: UUID

    public init(updatedAt: Date, id: UUID) {
        self.updatedAt = updatedAt
        self.id = id
    }

    /// `t1.<microseconds since 1970>.<uuid>`.
    public var text: String {
        "t1.\(Int64((updatedAt.timeIntervalSince1970 * 1_000_000).rounded())).\(id.uuidString.lowercased())"
    }

    /// Parses ``text``; `nil` when it is not a ticket cursor.
    public init?(text: String) {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0] == "t1", let micros = Int64(parts[1]), let id = UUID(uuidString: String(parts[2])) else {
            return nil
        }
        self.init(updatedAt: Date(timeIntervalSince1970: Double(micros) / 1_000_000), id: id)
    }
}

/// One page of tickets.
public struct TicketPage: Sendable, Equatable {
    public var tickets: [Ticket]
    /// The cursor of the next page; `nil` on the last page.
    public var next: TicketCursor?
}
