import Foundation
import ServiceLifecycle

/// One live connection's delivery, shared by the WebSocket and SSE endpoints: registers with the hub (live events
/// buffer from then on), replays what the client missed after its cursor from the database, then drains the buffer,
/// skipping what the replay already covered — no gap, no duplicate.
public struct LiveFeed: Sendable {
    /// An event ready to send.
    public struct Delivery: Sendable {
        /// The cursor after this event: resume from it.
        public let cursor: String
        /// `{"type":"event","cursor":…,"topics":[…],"event":{…}}`.
        public let json: String
    }

    let hub: LiveEventHub
    /// The application role: the replay reads as the tenant, under row-level security.
    let database: Database
    let audience: LiveAudience
    /// Most events read per replay query.
    var replayBatch = 500

    /// Creates a feed for `audience`.
    public init(hub: LiveEventHub, database: Database, audience: LiveAudience) {
        self.hub = hub
        self.database = database
        self.audience = audience
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
                        if let delivery = prepare(LiveEvent(record), cursor: cursor) { deliveries.append(delivery) }
                    }
                    try await deliver(deliveries, live: [], send)
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
                    if let delivery = prepare(event, cursor: cursor) {
                        deliveries.append(delivery)
                        recorded.append(event)
                    }
                }
                try await deliver(deliveries, live: recorded, send)
                subscription.received(batch.count)
            }
            return Task.isCancelled ? nil : subscription.endReason
        } onGracefulShutdown: {
            hub.end(subscription, .shuttingDown)
        }
    }

    /// The frame for `event` after which the client stands at `cursor`; `nil` when this audience must not see it.
    private func prepare(_ event: LiveEvent, cursor: EventCursor) -> Delivery? {
        guard let match = audience.match(event) else { return nil }
        let text = cursor.description
        let topics = match.topics.map { "\"\($0)\"" }.joined(separator: ",")
        let json = #"{"type":"event","cursor":"\#(text)","topics":[\#(topics)],"event":\#(match.full ? event.fullJSON : event.reducedJSON)}"#
        return Delivery(cursor: text, json: json)
    }

    /// Sends `deliveries` (if any) and records them; `live` are the events among them that came from the hub. The
    /// delivery latency is recorded once per batch, for its oldest event (the batch went out together).
    private func deliver(_ deliveries: [Delivery], live: [LiveEvent], _ send: @Sendable ([Delivery]) async throws -> Void) async throws {
        guard !deliveries.isEmpty else { return }
        try await send(deliveries)
        LiveMetrics.delivered(deliveries.count, oldest: live.first?.record.recordedAt)
    }
}
