/// Who a live connection belongs to and what it follows: decides, event by event, what it may receive.
///
/// The visibility contract (docs/events.md, "Live updates"): only events of ticket streams (`ticket/<id>`) are
/// carried. A ticket event is *readable* by a principal holding `tickets.read` whose data scope admits the record
/// described by the event's `data.assignee_id` (owner) and `data.team_id` (team): scope `all` reads every one,
/// `teams` those assigned to the user or in one of the user's teams, `own` those assigned to the user.
/// - `ticket/<id>` delivers the readable events of that stream;
/// - `inbox` delivers readable events assigned to the user, or unassigned and in one of the user's teams;
/// - `dashboard` (needs `analytics.view`) delivers every ticket event, without `data` and `metadata` unless
///   the event is readable.
public struct LiveAudience: Sendable {
    /// What one event means for this audience.
    public struct Match: Sendable, Equatable {
        /// The subscribed topics the event falls under, in the order subscribed.
        public let topics: [String]
        /// Whether the event may be sent with its data.
        public let full: Bool
    }

    /// The connection's principal, fixed when it connected.
    public let principal: Principal
    /// Topics granted.
    public let topics: [LiveTopic]
    /// Topics asked for but not allowed, with the reason.
    public let refused: [(topic: String, reason: String)]
    /// `tickets.read`, looked up once (``match(_:)`` runs for every event and connection).
    private let readsTickets: Bool

    /// Grants each requested topic (`inbox`, `dashboard`, `ticket/<id>`) the principal may follow; the others are
    /// refused with a reason.
    public init(principal: Principal, requested: [String]) {
        self.principal = principal
        var granted: [LiveTopic] = []
        var refused: [(String, String)] = []
        for name in requested.prefix(50) {
            guard let topic = LiveTopic(name) else {
                refused.append((String(name.prefix(120)), "unknown topic: use inbox, dashboard or ticket/<id>"))
                continue
            }
            if granted.contains(topic) { continue }
            switch topic {
            case .inbox where principal.userID == nil:
                refused.append((topic.description, "an inbox belongs to a user; API keys have none"))
            case .inbox, .ticket:
                if principal.can(.ticketsRead) { granted.append(topic) } else { refused.append((topic.description, "needs tickets.read")) }
            case .dashboard:
                if principal.can(.analyticsView) { granted.append(topic) } else { refused.append((topic.description, "needs analytics.view")) }
            }
        }
        self.topics = granted
        self.refused = refused
        self.readsTickets = principal.can(.ticketsRead)
    }

    /// Whether the principal may read the ticket event `event` (permission and data scope).
    public func canRead(_ event: LiveEvent) -> Bool {
        guard event.isTicketEvent, readsTickets else { return false }
        if principal.dataScope == .all { return true }
        guard let user = principal.userID else { return false }
        return principal.dataScope.allows(user: user, teams: principal.teams, recordOwner: event.assignee, recordTeam: event.team)
    }

    /// What `event` means for this audience; `nil` when it must not be sent.
    public func match(_ event: LiveEvent) -> Match? {
        guard event.isTicketEvent, event.record.tenant == principal.tenant else { return nil }
        let readable = canRead(event)
        var matched: [String] = []
        for topic in topics {
            switch topic {
            case .ticket(let id):
                if readable && event.record.stream == "ticket/\(id)" { matched.append(topic.description) }
            case .inbox:
                let mine = event.assignee != nil && event.assignee == principal.userID
                let teamQueue = event.assignee == nil && (event.team.map(principal.teams.contains) ?? false)
                if readable && (mine || teamQueue) { matched.append(topic.description) }
            case .dashboard:
                matched.append(topic.description)
            }
        }
        return matched.isEmpty ? nil : Match(topics: matched, full: readable)
    }
}
