import Foundation
import ServiceLifecycle

/// One live connection's delivery, shared by the WebSocket and SSE endpoints: registers with the hub (live events
/// buffer from then on), replays what the client missed after its cursor from the database, then drains the buffer,
/// skipping what the replay already covered — no gap, no duplicate.
public struct LiveFeed: Sendable {
    /// An event ready to send.
    public struct Delivery: Sendable {
        /// The cursor after this event: resume from it. Made for every event when the feed was asked for cursors
        /// per event, otherwise only for the last event of each batch handed to `send` (`nil` on the others).
        public let cursor: String?
        /// `"topics":[…],"event":{…}`: the event's members of a frame, without braces.
        public let body: String

        /// `{"type":"event","cursor":…,"topics":[…],"event":{…}}`: the event as a frame of its own.
        public var json: String { #"{"type":"event","cursor":"\#(cursor ?? "")",\#(body)}"# }
    }

    let hub: LiveEventHub
    /// The application role: the replay reads as the tenant, under row-level security.
    let database: Database
    let audience: LiveAudience
    /// Whether every delivery carries its cursor (single-event frames, SSE ids) or only the last of each run of
    /// ``frameLimit`` deliveries and of each batch (batched frames carry one cursor for the whole frame).
    let cursorPerEvent: Bool
    /// Most events in one batched frame: without cursors per event, every `frameLimit`-th delivery of a batch still
    /// carries its cursor, so a batch split into several frames gives each frame an exact one.
    public static let frameLimit = 100
    /// Most events read per replay query.
    var replayBatch = 500

    /// Creates a feed for `audience`.
    public init(hub: LiveEventHub, database: Database, audience: LiveAudience, cursorPerEvent: Bool = true) {
        self.hub = hub
        self.database = database
        self.audience = audience
        self.cursorPerEvent = cursorPerEvent
    }

    /// Runs until the client is gone (`send` throws, or the task is cancelled) or the subscription ends; returns
    /// why it ended, `nil` when the client left. `subscribed` receives the cursor the client starts from; `send`
    /// receives the events ready to go out together (never an empty batch): what one poll of the hub found for the
    /// tenant, or one page of a replay, filtered for this audience.
    public func run(
        after: EventCursor?,
        subscribed: @Sendable (EventCursor) async throws -> Void,
        send: @Sendable ([Delivery]) async throws -> Void
    ) async throws -> LiveEndReason? {
        let tenant = audience.principal.tenant
        let subscription = try await hub.subscribe(tenant: tenant)
        defer { hub.remove(subscription) }
        var cursor = after ?? subscription.start
        try await subscribed(cursor)
        if let after {
            for partition in subscription.start.positions.indices {
                var from = after.position(partition)
                let through = subscription.start.position(partition)
                while from < through {
                    let page = try await EventStore.readTenantPartition(
                        partition, tenant: tenant, after: from, through: through, limit: replayBatch, database: database)
                    guard let last = page.last else { break }
                    var deliveries: [Delivery] = []
                    for record in page {
                        cursor.advance(partition: partition, to: record.position)
                        if let delivery = prepare(LiveEvent(record), cursor: cursor, index: deliveries.count) { deliveries.append(delivery) }
                    }
                    try await deliver(closing(deliveries, at: cursor), live: [], send)
                    from = last.position
                }
                cursor.advance(partition: partition, to: through)
            }
        }
        return try await withGracefulShutdownHandler {
            for await batch in subscription.batches {
                var deliveries: [Delivery] = []
                var recorded: [LiveEvent] = []
                for event in batch {
                    let (partition, position) = (event.record.partition, event.record.position)
                    if cursor.covers(partition: partition, position: position) { continue }
                    cursor.advance(partition: partition, to: position)
                    if let delivery = prepare(event, cursor: cursor, index: deliveries.count) {
                        deliveries.append(delivery)
                        recorded.append(event)
                    }
                }
                try await deliver(closing(deliveries, at: cursor), live: recorded, send)
                subscription.received(batch.count)
            }
            return Task.isCancelled ? nil : subscription.endReason
        } onGracefulShutdown: {
            hub.end(subscription, .shuttingDown)
        }
    }

    /// The frame members for `event`, the `index`-th delivery of its batch, after which the client stands at
    /// `cursor` (made into text only where a frame may end); `nil` when this audience must not see it.
    private func prepare(_ event: LiveEvent, cursor: EventCursor, index: Int) -> Delivery? {
        guard let match = audience.match(event) else { return nil }
        let frameEnd = cursorPerEvent || (index + 1) % Self.frameLimit == 0
        let topics = match.topics.count == 1 ? "\"\(match.topics[0])\"" : match.topics.map { "\"\($0)\"" }.joined(separator: ",")
        let body = #""topics":[\#(topics)],"event":\#(match.full ? event.fullJSON : event.reducedJSON)"#
        return Delivery(cursor: frameEnd ? cursor.description : nil, body: body)
    }

    /// `deliveries` with the last one carrying `cursor` (where the client stands after the batch).
    private func closing(_ deliveries: [Delivery], at cursor: EventCursor) -> [Delivery] {
        guard !cursorPerEvent, let last = deliveries.last else { return deliveries }
        var closed = deliveries
        closed[closed.count - 1] = Delivery(cursor: cursor.description, body: last.body)
        return closed
    }

    /// Sends `deliveries` (if any) and records them; `live` are the events among them that came from the hub. The
    /// delivery latency is recorded once per batch, for its oldest event (the batch went out together).
    private func deliver(_ deliveries: [Delivery], live: [LiveEvent], _ send: @Sendable ([Delivery]) async throws -> Void) async throws {
        guard !deliveries.isEmpty else { return }
        try await send(deliveries)
        LiveMetrics.delivered(deliveries.count, oldest: live.first?.record.recordedAt)
    }
}
