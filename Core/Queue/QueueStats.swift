import Foundation

/// Counts and ages for one queue, across the tenants the reader may see.
public struct QueueStats: Sendable, Equatable, Codable {
    /// The queue.
    public let queue: String
    /// Jobs waiting (runnable now or later).
    public let available: Int
    /// Of those, runnable now.
    public let runnable: Int
    /// Jobs leased by a worker.
    public let running: Int
    /// Jobs in the dead-letter state.
    public let dead: Int
    /// Seconds since the oldest runnable job became runnable (0 when none).
    public let oldestRunnableAgeSeconds: Double
}

/// A pending or dead job as an operator sees it.
public struct JobSummary: Sendable, Equatable, Encodable {
    /// The tenant.
    public let tenant: TenantID
    /// The id.
    public let id: Int64
    /// The handler kind.
    public let kind: String
    /// The queue.
    public let queue: String
    /// `available`, `running` or `dead`.
    public let state: String
    /// Lower runs first.
    public let priority: Int
    /// Attempts made.
    public let attempt: Int
    /// Attempts allowed.
    public let maxAttempts: Int
    /// When it is (or was) runnable.
    public let runAt: Date
    /// The last failure's message.
    public let lastError: String?
    /// The worker holding it, when running.
    public let leaseOwner: String?
}

extension JobSummary {
    private enum CodingKeys: String, CodingKey {
        case tenant, id, kind, queue, state, priority, attempt, maxAttempts, runAt, lastError, leaseOwner
    }

    /// Encodes the tenant as its id string, like every other id in the API.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tenant.description, forKey: .tenant)
        try container.encode(id, forKey: .id)
        try container.encode(kind, forKey: .kind)
        try container.encode(queue, forKey: .queue)
        try container.encode(state, forKey: .state)
        try container.encode(priority, forKey: .priority)
        try container.encode(attempt, forKey: .attempt)
        try container.encode(maxAttempts, forKey: .maxAttempts)
        try container.encode(runAt, forKey: .runAt)
        try container.encodeIfPresent(lastError, forKey: .lastError)
        try container.encodeIfPresent(leaseOwner, forKey: .leaseOwner)
    }
}
