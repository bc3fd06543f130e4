import Metrics

/// The queue's metrics (swift-metrics; exported by whichever backend the process bootstraps).
///
/// Counters carry `queue` and `kind` dimensions: `glavito.jobs.enqueued`, `.claimed`, `.succeeded`, `.failed`,
/// `.retried`, `.dead`, `.snoozed`, `.cancelled`, `.rescued`, `.lease_lost`. Gauges per queue:
/// `glavito.jobs.depth` and `glavito.jobs.oldest_age_seconds`. Timers: `glavito.jobs.claim_latency` and
/// `glavito.jobs.run_duration` (per kind).
public enum JobMetrics {
    /// Counts `count` events named `glavito.jobs.<event>` for a queue and kind.
    public static func count(_ event: String, queue: String, kind: String, by count: Int = 1) {
        guard count > 0 else { return }
        Counter(label: "glavito.jobs.\(event)", dimensions: [("queue", queue), ("kind", kind)]).increment(by: count)
    }

    /// Counts a batch of records under `event`, grouped by kind.
    public static func count(_ event: String, jobs: [JobRecord]) {
        var groups: [String: (queue: String, count: Int)] = [:]
        for job in jobs { groups[job.kind, default: (job.queue, 0)].count += 1 }
        for (kind, group) in groups { count(event, queue: group.queue, kind: kind, by: group.count) }
    }

    static func enqueued(_ jobs: [NewJob], insertedCount: Int) {
        if jobs.count == 1, let job = jobs.first {
            count("enqueued", queue: job.queue, kind: job.kind, by: insertedCount)
            return
        }
        var groups: [String: (queue: String, count: Int)] = [:]
        for job in jobs { groups[job.kind, default: (job.queue, 0)].count += 1 }
        for (kind, group) in groups { count("enqueued", queue: group.queue, kind: kind, by: group.count) }
    }

    /// Records the claim statement's duration.
    public static func claimLatency(_ duration: Duration) {
        Timer(label: "glavito.jobs.claim_latency").recordNanoseconds(nanoseconds(duration))
    }

    /// Records a handler run's duration.
    public static func runDuration(_ duration: Duration, kind: String) {
        Timer(label: "glavito.jobs.run_duration", dimensions: [("kind", kind)]).recordNanoseconds(nanoseconds(duration))
    }

    /// Publishes a queue's depth and oldest runnable age.
    public static func queueGauges(_ stats: QueueStats) {
        Gauge(label: "glavito.jobs.depth", dimensions: [("queue", stats.queue)]).record(stats.available)
        Gauge(label: "glavito.jobs.oldest_age_seconds", dimensions: [("queue", stats.queue)]).record(stats.oldestRunnableAgeSeconds)
    }

    static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
