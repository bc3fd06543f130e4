import Foundation

/// A tenant's subscription to its events: where to POST them, which types, and whether it is enabled.
public struct WebhookSubscription: Sendable, Equatable, Codable {
    /// Its id.
    public var id: UUID
    /// The http(s) URL receiving the POSTs.
    public var url: String
    /// Event type patterns: exact (`ticket.created`), a prefix (`ticket.*`) or everything (`*`).
    public var eventTypes: [String]
    /// A note for admins.
    public var description: String
    /// Whether events are delivered.
    public var enabled: Bool
    /// Failed attempts in a row; reset by a success.
    public var consecutiveFailures: Int
    /// When it was disabled after a run of failures, if it was.
    public var disabledAt: Date?
    /// Why it was disabled.
    public var disabledReason: String?
    /// When it was created.
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, url, description, enabled
        case eventTypes = "event_types"
        case consecutiveFailures = "consecutive_failures"
        case disabledAt = "disabled_at"
        case disabledReason = "disabled_reason"
        case createdAt = "created_at"
    }

    /// Whether `type` matches any of `patterns`.
    public static func matches(_ type: String, patterns: [String]) -> Bool {
        patterns.contains { pattern in
            pattern == "*" || pattern == type || (pattern.hasSuffix(".*") && type.hasPrefix(String(pattern.dropLast())))
        }
    }

    /// Checks event type patterns: 1 to 100 of them, each `*`, or dotted lowercase names optionally ending in `.*`.
    public static func validate(eventTypes: [String]) throws(WebhookError) {
        guard (1...100).contains(eventTypes.count) else { throw .invalid("give between 1 and 100 event types") }
        for pattern in eventTypes where pattern != "*" {
            guard pattern.utf8.count <= 200, pattern.wholeMatch(of: /[a-z0-9_-]+(\.[a-z0-9_-]+)*(\.\*)?/) != nil else {
                throw .invalid("'\(pattern)' is not an event type pattern: use names like ticket.created, ticket.* or *")
            }
        }
    }
}
