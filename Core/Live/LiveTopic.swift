/// What a live subscriber asks to follow: its inbox, one ticket, or the dashboard counters.
public enum LiveTopic: Hashable, Sendable, CustomStringConvertible {
    /// Ticket events assigned to the user, or unassigned in one of the user's teams.
    case inbox
    /// The events of the stream `ticket/<id>`.
    case ticket(String)
    /// Every ticket event the dashboard counts (data withheld unless the ticket itself is visible).
    case dashboard

    /// Parses `inbox`, `dashboard` or `ticket/<id>` (an id of 1 to 100 letters, digits, `-` or `_`).
    public init?(_ text: String) {
        switch text {
        case "inbox": self = .inbox
        case "dashboard": self = .dashboard
        default:
            guard text.hasPrefix("ticket/") else { return nil }
            let id = text.dropFirst("ticket/".count)
            guard (1...100).contains(id.utf8.count), id.utf8.allSatisfy(Self.isIDByte) else { return nil }
            self = .ticket(String(id))
        }
    }

    public var description: String {
        switch self {
        case .inbox: "inbox"
        case .dashboard: "dashboard"
        case .ticket(let id): "ticket/\(id)"
        }
    }

    static func isIDByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2D || byte == 0x5F
    }
}
