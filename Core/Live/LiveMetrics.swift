import Foundation
import Metrics

/// Live updates' metrics, created once per process (a metric made per event costs a factory lookup, and the live
/// path records hundreds of thousands of deliveries a second under load).
///
/// - `glavito.live.events_delivered` (counter): events sent to live clients.
/// - `glavito.live.delivery_latency` (timer): from an event's recording to its batch being written to a client,
///   measured for the oldest event of each batch.
/// - `glavito.live.clients` (gauge): connected live subscribers.
enum LiveMetrics {
    /// Made on first use, after the process bootstrapped its metrics backend.
    private static let deliveredCounter = Counter(label: "glavito.live.events_delivered")
    private static let latencyTimer = Timer(label: "glavito.live.delivery_latency")
    private static let clientsGauge = Gauge(label: "glavito.live.clients")

    /// Records `count` events sent in one batch whose oldest live event was recorded at `oldest` (`nil` for a replay).
    static func delivered(_ count: Int, oldest: Date?) {
        deliveredCounter.increment(by: count)
        if let oldest {
            latencyTimer.recordNanoseconds(Int64(max(0, Date().timeIntervalSince(oldest)) * 1e9))
        }
    }

    /// Records the number of connected subscribers.
    static func clients(_ count: Int) {
        clientsGauge.record(count)
    }
}
