import Foundation
import Logging
import PostgresNIO

/// The `webhooks` consumer group's handler: turns a batch of events into pending webhook messages for every
/// enabled subscription whose patterns match (and that existed when the event was recorded), and enqueues one
/// `delivery.webhook` job per new message, all in one transaction on the platform role. The messages' primary
/// key makes a batch read again after a crash harmless: nothing is inserted or enqueued twice.
public struct WebhookDispatcher: Sendable {
    /// The consumer group's name.
    public static let group = "webhooks"

    /// The platform role's database.
    public let database: Database

    /// Creates a dispatcher.
    public init(database: Database) {
        self.database = database
    }

    /// Dispatches `events`; returns how many messages were created.
    @discardableResult
    public func dispatch(_ events: [RecordedEvent]) async throws -> Int {
        guard !events.isEmpty else { return 0 }
        let tenants = events.map(\.tenant.rawValue)
        let streams = events.map(\.stream)
        let versions = events.map { Int32($0.version) }
        let types = events.map(\.type)
        let recorded = events.map(\.recordedAt)
        let logger = database.logger
        return try await database.withTransaction { connection in
            let rows = try await connection.checkedQuery("""
                INSERT INTO webhook_messages (tenant_id, subscription_id, stream, version, event_type)
                SELECT e.tenant_id, s.id, e.stream, e.version, e.type
                FROM unnest(\(tenants)::uuid[], \(streams)::text[], \(versions)::int4[], \(types)::text[],
                            \(recorded)::timestamptz[]) AS e (tenant_id, stream, version, type, recorded_at)
                JOIN webhook_subscriptions s ON s.tenant_id = e.tenant_id AND s.enabled AND s.created_at <= e.recorded_at
                WHERE EXISTS (SELECT 1 FROM unnest(s.event_types) AS p (pattern)
                              WHERE p.pattern = '*' OR p.pattern = e.type
                                 OR (right(p.pattern, 2) = '.*' AND starts_with(e.type, left(p.pattern, -1))))
                ORDER BY e.tenant_id, s.id, e.stream, e.version
                ON CONFLICT DO NOTHING
                RETURNING tenant_id, subscription_id, stream, version
                """, logger: logger)
            var jobs: [UUID: [NewJob]] = [:]
            for try await (tenant, subscription, stream, version) in rows.decode((UUID, UUID, String, Int).self) {
                jobs[tenant, default: []].append(try WebhookJob(subscription: subscription, stream: stream, version: version, manual: false).newJob())
            }
            for (tenant, batch) in jobs {
                try await JobQueue.enqueue(batch, tenant: TenantID(tenant), on: connection, logger: logger, notify: true)
            }
            return jobs.values.reduce(0) { $0 + $1.count }
        }
    }
}
