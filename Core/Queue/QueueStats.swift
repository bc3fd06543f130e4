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
public struct JobSummary: Sendable, Equatable, Codable {
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
