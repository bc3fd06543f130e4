import Foundation
import Synchronization

/// Messages per envelope sender per minute on one listener (a sliding one-minute window); over the limit a sender
/// gets 451 and its MTA tries again later. Per process, like the API's rate limits.
final class SMTPSenderLimiter: Sendable {
    let perMinute: Int
    private let windows = Mutex<[String: [Date]]>([:])

    init(perMinute: Int) {
        self.perMinute = perMinute
    }

    /// Records a message from `sender` now; `false` when the sender is over the limit.
    func admit(_ sender: String, now: Date = Date()) -> Bool {
        let key = sender.lowercased()
        return windows.withLock { windows in
            if windows.count > 10_000 {
                windows = windows.filter { $0.value.last.map { now.timeIntervalSince($0) < 60 } ?? false }
            }
            var times = (windows[key] ?? []).filter { now.timeIntervalSince($0) < 60 }
            guard times.count < perMinute else {
                windows[key] = times
                return false
            }
            times.append(now)
            windows[key] = times
            return true
        }
    }
}
