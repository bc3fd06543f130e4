import Foundation
import Logging
import Metrics
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// A control-plane process's fan-out of the event log to its live subscribers (WebSocket and SSE clients).
///
/// Follows every partition of the log from the heads at start, polling adaptively: every ``Settings/busyPoll``
/// while events keep coming, backing off (doubling) to ``Settings/idlePoll`` when there are none. A NOTIFY on
/// ``notifyChannel`` (LISTENed on a dedicated connection) wakes it early; appends do not send one inside their
/// transaction, because a notifying commit takes PostgreSQL's notify lock through its WAL flush and serialises all
/// appending commits (docs/queue.md measured it for jobs; docs/events.md). It reads
/// new events in bounded batches in partition order, advances its own positions and hands each event to the
/// subscribers of the event's tenant. Each process runs its own hub, so an append anywhere reaches the clients of
/// every process.
///
/// Runs as the platform role (no row-level security): it reads every tenant's events but nothing else, and hands
/// an event only to subscribers of that event's tenant.
public final class LiveEventHub: Service, Sendable {
    /// Tuning.
    public struct Settings: Sendable {
        /// The poll interval while events keep coming.
        public var busyPoll: Duration = .milliseconds(5)
        /// The longest poll interval, reached after a run of empty polls (jittered ±20 %).
        public var idlePoll: Duration = .milliseconds(100)
        /// Most events read at once.
        public var batchSize = 1000
        /// Most events buffered for one subscriber before it is told it is too slow.
        public var subscriberBuffer = 2000

        /// The defaults.
        /// Live connections one user or API key may hold open on this process (`GLAVITO_LIVE_MAX_CONNECTIONS`).
        public var connectionsPerPrincipal = 20

        public init() {}
    }

    /// The NOTIFY channel that wakes hubs early (for a process that signals after its commits).
    public static let notifyChannel = "glavito_events"

    let database: Database
    let settings: Settings
    private let state = Mutex(State())
    private let interval: Mutex<Duration>

    struct State {
        /// `nil` until the hub has read the heads.
        var positions: [Int: Int64]?
        var subscribers: [TenantID: [Int: LiveSubscription]] = [:]
        var nextID = 0
        var stopped = false
        var count: Int { subscribers.values.reduce(0) { $0 + $1.count } }
    }

    /// Creates a hub reading through `database` (the platform role).
    /// The per-user (per-key) limit of open connections on this process, shared by every live route.
    public let connections: LiveConnectionLimit

    public init(database: Database, settings: Settings = Settings()) {
        self.database = database
        self.settings = settings
        self.connections = LiveConnectionLimit(perPrincipal: settings.connectionsPerPrincipal)
        self.interval = Mutex(settings.busyPoll)
    }

    /// Registers a subscriber for `tenant`, waiting (briefly) for the hub to start.
    public func subscribe(tenant: TenantID) async throws -> LiveSubscription {
        for _ in 0..<500 {
            switch register(tenant: tenant) {
            case .some(.some(let subscription)): return subscription
            case .some(.none): throw LiveError.unavailable
            case .none: try await Task.sleep(for: .milliseconds(20))
            }
        }
        throw LiveError.unavailable
    }

    /// `nil` while not started; `.some(nil)` once stopped.
    private func register(tenant: TenantID) -> LiveSubscription?? {
        let (result, count): (LiveSubscription??, Int) = state.withLock { state in
            if state.stopped { return (.some(nil), state.count) }
            guard let positions = state.positions else { return (nil, state.count) }
            state.nextID += 1
            let subscription = LiveSubscription(id: state.nextID, tenant: tenant, start: EventCursor(positions), capacity: settings.subscriberBuffer)
            state.subscribers[tenant, default: [:]][subscription.id] = subscription
            return (.some(subscription), state.count)
        }
        LiveMetrics.clients(count)
        return result
    }

    /// Unregisters `subscription` (when its client is gone).
    public func remove(_ subscription: LiveSubscription) {
        let count = state.withLock { state in
            state.subscribers[subscription.tenant]?[subscription.id] = nil
            if state.subscribers[subscription.tenant]?.isEmpty == true { state.subscribers[subscription.tenant] = nil }
            return state.count
        }
        subscription.continuation.finish()
        LiveMetrics.clients(count)
    }

    /// Ends `subscription` as the process stops.
    public func end(_ subscription: LiveSubscription, _ reason: LiveEndReason) {
        subscription.end(reason)
    }

    public func run() async throws {
        let logger = database.logger
        while state.withLock({ $0.positions == nil }) {
            do {
                let heads = try await EventStore.heads(database: database)
                state.withLock { $0.positions = heads }
            } catch {
                logger.warning("live updates: cannot read the log heads; retrying", metadata: ["glavito.error": "\(String(reflecting: error))"])
                try await Task.sleep(for: .seconds(1))
            }
        }
        logger.info("live updates ready")
        let (wakes, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        await cancelWhenGracefulShutdown {
            await withTaskGroup(of: Void.self) { group in
                group.addTask { await self.listen(wake: wake) }
                group.addTask { await self.pollTimer(wake: wake) }
                group.addTask {
                    for await _ in wakes {
                        let found = await self.drain()
                        self.interval.withLock { $0 = found ? self.settings.busyPoll : min($0 * 2, self.settings.idlePoll) }
                    }
                }
                await group.next()
                group.cancelAll()
            }
        }
        let subscribers = state.withLock { state in
            state.stopped = true
            return state.subscribers.values.flatMap(\.values)
        }
        for subscription in subscribers { subscription.end(.shuttingDown) }
    }

    /// LISTENs on a dedicated connection, waking the reader at each notification (and once on every (re)connect,
    /// to catch up on what was appended while not listening).
    private func listen(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            do {
                try await database.withConnection { connection in
                    try await connection.listen(on: Self.notifyChannel) { notifications in
                        wake.yield()
                        for try await _ in notifications { wake.yield() }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                database.logger.debug("live updates: listen connection lost; reconnecting", metadata: ["glavito.error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// Wakes the reader after the current poll interval.
    private func pollTimer(wake: AsyncStream<Void>.Continuation) async {
        while !Task.isCancelled {
            let wait = interval.withLock { $0 }
            try? await Task.sleep(for: wait == settings.busyPoll ? wait : wait * Double.random(in: 0.8...1.2))
            wake.yield()
        }
    }

    /// Reads and dispatches until the log is drained; whether there was anything new. With no subscriber in this
    /// process there is nothing to dispatch: the positions just move to the committed heads (everything up to a
    /// committed head is committed, as the partition's lock is held until commit), and the hub keeps its idle pace.
    func drain() async -> Bool {
        var found = false
        do {
            if state.withLock({ $0.subscribers.isEmpty }) {
                let heads = try await EventStore.heads(database: database)
                // Only if still nobody subscribed: a subscriber that came meanwhile starts at the old positions and must
                // get what lies between them and the heads.
                let skipped = state.withLock { state -> Bool in
                    guard state.subscribers.isEmpty, let positions = state.positions else { return false }
                    state.positions = positions.merging(heads) { max($0, $1) }
                    return true
                }
                if skipped { return false }
            }
            while !Task.isCancelled {
                let positions = state.withLock { $0.positions ?? [:] }
                let batch = try await EventStore.readAllPartitions(after: positions, limit: settings.batchSize, database: database)
                found = found || !batch.isEmpty
                dispatch(batch)
                if batch.count < settings.batchSize { return found }
            }
        } catch {
            if Task.isCancelled { return found }
            database.logger.warning("live updates: reading the log failed; will retry", metadata: ["glavito.error": "\(String(reflecting: error))"])
        }
        return found
    }

    /// Advances the positions over `records` and hands the new ones of each tenant, as one batch, to every
    /// subscriber of that tenant.
    func dispatch(_ records: [RecordedEvent]) {
        guard !records.isEmpty else { return }
        let listening = state.withLock { Set($0.subscribers.keys) }
        var prepared: [Int: LiveEvent] = [:]
        for (index, record) in records.enumerated() where listening.contains(record.tenant) {
            prepared[index] = LiveEvent(record)
        }
        var slow: [LiveSubscription] = []
        state.withLock { state in
            var batches: [TenantID: [LiveEvent]] = [:]
            for (index, record) in records.enumerated() where record.position > state.positions?[record.partition] ?? 0 {
                state.positions?[record.partition] = record.position
                guard state.subscribers[record.tenant] != nil else { continue }
                // A tenant whose first subscriber arrived since the snapshot above is prepared here, under the lock.
                batches[record.tenant, default: []].append(prepared[index] ?? LiveEvent(record))
            }
            for (tenant, events) in batches {
                guard let subscribers = state.subscribers[tenant] else { continue }
                for subscription in subscribers.values where !subscription.offer(events) {
                    slow.append(subscription)
                }
            }
        }
        for subscription in slow { remove(subscription) }
    }
}
