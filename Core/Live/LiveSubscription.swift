import Synchronization

/// One subscriber registered with a ``LiveEventHub``: the tenant's events dispatched after ``start``, in a bounded
/// buffer. Ends (the stream finishes) when the buffer overflows or the hub stops; ``endReason`` says which.
public final class LiveSubscription: Sendable {
    /// The hub's positions when the subscriber was registered: every later event of the tenant reaches ``events``.
    public let start: EventCursor
    /// The tenant's events in dispatch order.
    public let events: AsyncStream<LiveEvent>
    let id: Int
    let tenant: TenantID
    let continuation: AsyncStream<LiveEvent>.Continuation
    private let reason = Mutex<LiveEndReason?>(nil)

    init(id: Int, tenant: TenantID, start: EventCursor, capacity: Int) {
        self.id = id
        self.tenant = tenant
        self.start = start
        (events, continuation) = AsyncStream.makeStream(of: LiveEvent.self, bufferingPolicy: .bufferingOldest(capacity))
    }

    /// Why the stream ended, once it has.
    public var endReason: LiveEndReason? { reason.withLock { $0 } }

    /// Hands `event` over; false (and the stream ends as too slow) when the buffer is full.
    func offer(_ event: LiveEvent) -> Bool {
        if case .dropped = continuation.yield(event) {
            end(.tooSlow)
            return false
        }
        return true
    }

    /// Ends the stream with `why` (the first reason given wins).
    func end(_ why: LiveEndReason) {
        reason.withLock { if $0 == nil { $0 = why } }
        continuation.finish()
    }
}
