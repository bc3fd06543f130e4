import Foundation
import Logging
import Metrics

/// The event log's metrics (swift-metrics; exported by whichever backend the process bootstraps).
///
/// - `glavito.events.appended` (counter): events appended by this process (counted when the append statement
///   returns; a transaction that rolls back afterwards still counted).
/// - `glavito.events.processed` (counter, `group`): events handed to a consumer group's handler by this process.
/// - `glavito.events.processing_duration` (timer, `group`): a handler's time per batch.
/// - `glavito.events.processing_delay` (timer, `group`): from an event's recording to its handler starting.
/// - `glavito.events.log_head` (gauge): the sum of all partitions' head positions, i.e. committed events in the
///   log; `rate()` over it is the cluster-wide append rate.
/// - `glavito.events.group_lag_events` and `glavito.events.group_lag_seconds` (gauges, `group`): what a group
///   has not committed yet, in events and in the age of its oldest such event.
public enum EventMetrics {
    /// Counts appended events.
    public static func appended(_ count: Int) {
        appendedCounter.increment(by: count)
    }

    /// Made once, on first use (after the process bootstrapped its metrics backend): appends are hot.
    private static let appendedCounter = Counter(label: "glavito.events.appended")

    /// Records one handled batch of a consumer group.
    public static func processed(_ batch: [RecordedEvent], group: String, started: Date, duration: Duration) {
        let dimensions = [("group", group)]
        Counter(label: "glavito.events.processed", dimensions: dimensions).increment(by: batch.count)
        Timer(label: "glavito.events.processing_duration", dimensions: dimensions).record(duration: duration)
        let delay = Timer(label: "glavito.events.processing_delay", dimensions: dimensions)
        for event in batch {
            delay.recordNanoseconds(Int64(max(0, started.timeIntervalSince(event.recordedAt)) * 1e9))
        }
    }

    /// Sets the log-wide gauges from the database (platform role): the log head and every group's lag.
    public static func refreshGauges(database: Database) async throws {
        let heads = try await EventStore.heads(database: database)
        Gauge(label: "glavito.events.log_head").record(heads.values.reduce(0, +))
        for group in try await ConsumerGroupAdmin(database: database).groups() {
            let dimensions = [("group", group.name)]
            Gauge(label: "glavito.events.group_lag_events", dimensions: dimensions).record(group.lagEvents)
            Gauge(label: "glavito.events.group_lag_seconds", dimensions: dimensions).record(group.lagSeconds)
        }
    }
}
