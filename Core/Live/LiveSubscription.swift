import Synchronization

/// One subscriber registered with a ``LiveEventHub``: the tenant's events dispatched after ``start``, in a bounded
/// buffer. Ends (the stream finishes) when the buffer overflows or the hub stops; ``endReason`` says which.
///
/// The hub hands over everything one poll found for the tenant as one batch, so a subscriber wakes once per poll
/// rather than once per event, and its connection can write the batch with one flush.
public final class LiveSubscription: Sendable {
    /// The hub's positions when the subscriber was registered: every later event of the tenant reaches ``batches``.
    public let start: EventCursor
    /// The tenant's events in dispatch order, in the batches the hub read them in (never empty).
    public let batches: AsyncStream<[LiveEvent]>
    let id: Int
    let tenant: TenantID
    let continuation: AsyncStream<[LiveEvent]>.Continuation
    /// Most events buffered (handed over, not yet taken by ``received(_:)``) before the subscriber is too slow.
    let capacity: Int
    private let pending = Atomic<Int>(0)
    private let reason = Mutex<LiveEndReason?>(nil)

    init(id: Int, tenant: TenantID, start: EventCursor, capacity: Int) {
        self.id = id
        self.tenant = tenant
        self.start = start
        self.capacity = capacity
        (batches, continuation) = AsyncStream.makeStream(of: [LiveEvent].self, bufferingPolicy: .unbounded)
    }

    /// Why the stream ended, once it has.
    public var endReason: LiveEndReason? { reason.withLock { $0 } }

    /// Marks `count` events as taken off the buffer (call after each batch is handled).
    public func received(_ count: Int) {
        pending.subtract(count, ordering: .relaxed)
    }

    /// Hands `events` over; false (and the stream ends as too slow) when they would overflow the buffer.
    func offer(_ events: [LiveEvent]) -> Bool {
        guard !events.isEmpty else { return true }
        let buffered = pending.add(events.count, ordering: .relaxed).newValue
        if buffered > capacity {
            end(.tooSlow)
            return false
        }
        continuation.yield(events)
        return true
    }

    /// Ends the stream with `why` (the first reason given wins).
    func end(_ why: LiveEndReason) {
        reason.withLock { if $0 == nil { $0 = why } }
        continuation.finish()
    }
}
