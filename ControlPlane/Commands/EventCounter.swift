import Synchronization

/// A count shared between a consumer's handler and the code that reports it.
final class EventCounter: Sendable {
    private let count = Mutex(0)

    func add(_ amount: Int) { count.withLock { $0 += amount } }

    var value: Int { count.withLock { $0 } }
}
