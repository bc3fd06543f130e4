import Foundation

/// Which ticket an inbound email joins and why: shown to the agent beside the message.
public struct EmailThreadDecision: Sendable, Equatable, Codable {
    /// The rule that decided, in the order they are tried: `reply_address`, `message_id`, `subject_reference`,
    /// `new` (none matched). A bounce is `bounce`.
    public var rule: String
    /// A sentence for the agent.
    public var detail: String
    /// The ticket the rule found (before reopening or linking); `nil` for a new ticket.
    public var ticketID: UUID?
    /// What happened to the found ticket: `joined`, `reopened`, or `new_linked` when it could no longer be
    /// reopened and a new ticket links to it.
    public var outcome: String

    enum CodingKeys: String, CodingKey {
        case rule, detail, outcome
        case ticketID = "ticket_id"
    }

    /// Creates a decision.
    public init(rule: String, detail: String, ticketID: UUID?, outcome: String = "joined") {
        self.rule = rule
        self.detail = detail
        self.ticketID = ticketID
        self.outcome = outcome
    }
}
