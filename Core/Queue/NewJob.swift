import Foundation

/// A job to enqueue: what to run (``kind``, with its ``payload``), when, how urgently and how often to try.
public struct NewJob: Sendable, Equatable {
    /// The handler's kind, `<queue>.<name>`, e.g. `delivery.whatsapp_message`; the prefix names the queue.
    public var kind: String
    /// The handler's input as JSON text (an object).
    public var payload: String
    /// Lower numbers run first within a tenant's queue (-100...100, default 0).
    public var priority: Int
    /// How long after the enqueuing transaction's start the job becomes runnable (default: at once).
    public var delay: Duration
    /// How many attempts before the job goes to the dead-letter state (default 20).
    public var maxAttempts: Int
    /// While a job with this key is pending (available or running) for the same tenant, enqueuing another is a no-op.
    public var uniqueKey: String?

    /// Describes a job; throws ``JobQueueError/invalidJob(_:)`` for an unknown queue or an out-of-range value.
    public init(
        kind: String, payload: String = "{}", priority: Int = 0, delay: Duration = .zero,
        maxAttempts: Int = 20, uniqueKey: String? = nil
    ) throws(JobQueueError) {
        self.kind = kind
        self.payload = payload
        self.priority = priority
        self.delay = delay
        self.maxAttempts = maxAttempts
        self.uniqueKey = uniqueKey
        try validate()
    }

    /// Creates a job whose payload is `payload` encoded as JSON.
    public init<Payload: Encodable>(
        kind: String, encoding payload: Payload, priority: Int = 0, delay: Duration = .zero,
        maxAttempts: Int = 20, uniqueKey: String? = nil
    ) throws {
        try self.init(
            kind: kind, payload: try JSONCoding.encode(payload), priority: priority, delay: delay,
            maxAttempts: maxAttempts, uniqueKey: uniqueKey
        )
    }

    /// The queue this job runs on: the part of ``kind`` before the first dot.
    public var queue: String { String(kind.prefix { $0 != "." }) }

    func validate() throws(JobQueueError) {
        guard JobQueues.all.contains(queue), kind.count > queue.count + 1 else {
            throw .invalidJob("kind '\(kind)' must be '<queue>.<name>' with a queue among \(JobQueues.all.joined(separator: ", "))")
        }
        guard (-100...100).contains(priority) else { throw .invalidJob("priority must be between -100 and 100, got \(priority)") }
        guard maxAttempts >= 1 else { throw .invalidJob("maxAttempts must be at least 1, got \(maxAttempts)") }
        guard delay >= .zero else { throw .invalidJob("delay must not be negative") }
        if let uniqueKey, uniqueKey.isEmpty { throw .invalidJob("uniqueKey must not be empty") }
        guard payload.utf8.first == UInt8(ascii: "{") else { throw .invalidJob("payload must be a JSON object") }
    }

    /// ``delay`` in seconds, as bound to SQL.
    var delaySeconds: Double {
        let (seconds, attoseconds) = delay.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}

/// The queues jobs run on; a worker serves all or a subset.
public enum JobQueues {
    /// Outbound messages, emails, webhooks.
    public static let delivery = "delivery"
    /// Model inference and enrichment.
    public static let ai = "ai"
    /// Transcription and media processing.
    public static let media = "media"
    /// Retention, SLA sweeps, reports, probes.
    public static let maintenance = "maintenance"
    /// Every queue, in a stable order.
    public static let all = [delivery, ai, media, maintenance]
}
