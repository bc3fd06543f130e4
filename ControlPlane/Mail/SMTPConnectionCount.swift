import Synchronization

/// Open SMTP connections of one listener, bounded.
final class SMTPConnectionCount: Sendable {
    private let count = Mutex(0)

    /// Takes a slot; `false` when `limit` are open.
    func enter(limit: Int) -> Bool {
        count.withLock { value in
            guard value < limit else { return false }
            value += 1
            return true
        }
    }

    func leave() {
        count.withLock { $0 -= 1 }
    }
}
