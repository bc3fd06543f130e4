import Foundation

/// The payload of a `delivery.webhook` job: one event of one stream for one subscription. Automatic jobs follow
/// the retry schedule and the per-stream order; manual ones (redelivery from the log) send once, at once.
public struct WebhookJob: Sendable, Codable, Equatable {
    /// The job kind.
    public static let kind = "delivery.webhook"

    /// The subscription.
    public var subscription: UUID
    /// The event's stream.
    public var stream: String
    /// The event's version in the stream.
    public var version: Int
    /// A redelivery asked for by an admin.
    public var manual: Bool

    /// Describes a job.
    public init(subscription: UUID, stream: String, version: Int, manual: Bool) {
        self.subscription = subscription
        self.stream = stream
        self.version = version
        self.manual = manual
    }

    /// The job to enqueue; its unique key makes a second enqueue for the same message a no-op while one is pending.
    public func newJob() throws -> NewJob {
        let key = "\(manual ? "webhook-manual" : "webhook"):\(subscription.uuidString.lowercased()):\(version):\(stream)"
        return try NewJob(kind: Self.kind, encoding: self, uniqueKey: key)
    }
}
