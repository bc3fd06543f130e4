import Synchronization

/// Fixed-window request counting per caller, in this process's memory. Each control-plane process enforces the
/// limit on its own (with N processes a caller gets at most N times the limit); no shared store is required.
final class RateLimiter: Sendable {
    struct Decision: Sendable {
        let allowed: Bool
        let limit: Int
        let remaining: Int
        let resetSeconds: Int
    }

    private struct Window {
        var started: ContinuousClock.Instant
        var count: Int
    }

    let limit: Int
    let window: Duration
    private let windows = Mutex<[String: Window]>([:])

    init(limit: Int, window: Duration = .seconds(60)) {
        self.limit = limit
        self.window = window
    }

    /// Counts one request by `key` and says whether it is within the limit.
    func take(_ key: String, now: ContinuousClock.Instant = .now) -> Decision {
        windows.withLock { windows in
            if windows.count > 100_000 { windows = windows.filter { now - $0.value.started < window } }
            var current = windows[key] ?? Window(started: now, count: 0)
            if now - current.started >= window { current = Window(started: now, count: 0) }
            current.count += 1
            windows[key] = current
            let reset = max(1, Int((window - (now - current.started)).components.seconds))
            return Decision(allowed: current.count <= limit, limit: limit, remaining: max(0, limit - current.count), resetSeconds: reset)
        }
    }
}
