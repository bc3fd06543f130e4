import Foundation
import Logging
import PostgresNIO

extension EventStore {
    /// One page of a tenant's events after `cursor`, and the cursor to pass for the next page.
    public struct Page: Sendable, Equatable {
        /// The events, in position order within each partition, partitions interleaved.
        public let events: [RecordedEvent]
        /// The cursor after these events (the same cursor when there were none).
        public let next: EventCursor
    }

    /// A tenant's events after `cursor`, as the tenant (row-level security applies), at most `limit` of them.
    ///
    /// The page takes from every partition in turn (the first unseen event of each, then the second, …), so each
    /// partition's share is a prefix of what it has after the cursor and the returned cursor never skips an event.
    /// `types` keeps only events whose type equals one of its entries or, for entries ending in `.*`, starts with
    /// the part before the star; skipped events still move the cursor.
    public static func readTenant(
        _ tenant: TenantID, after cursor: EventCursor, limit: Int = 500, types: [String] = [], database: Database
    ) async throws -> Page {
        let limit = min(max(limit, 1), 5000)
        let exact = types.filter { !$0.hasSuffix(".*") }
        let prefixes = types.filter { $0.hasSuffix(".*") }.map { String($0.dropLast(1)) }
        let filtered = !types.isEmpty
        return try await database.withTenantTransaction(tenant) { connection in
            // Up to `limit` rows past the cursor from each partition (an index range scan each), numbered within
            // their partition; the page is the lowest numbers first.
            let rows = try await connection.checkedQuery("""
                SELECT e.tenant_id, e.stream, e.version, e.partition, e.position, e.type, e.data::text, e.metadata::text,
                       e.recorded_at,
                       NOT \(filtered) OR e.type = ANY(\(exact)::text[])
                           OR EXISTS (SELECT 1 FROM unnest(\(prefixes)::text[]) AS x(prefix) WHERE starts_with(e.type, x.prefix))
                FROM event_partitions AS p
                CROSS JOIN LATERAL (
                    SELECT events.*, row_number() OVER (ORDER BY position) AS turn
                    FROM events
                    WHERE tenant_id = \(tenant.rawValue)
                      AND partition = p.partition
                      AND position > coalesce((\(cursor.positions)::bigint[])[p.partition + 1], 0)
                    ORDER BY position
                    LIMIT \(limit)
                ) AS e
                ORDER BY e.turn, e.partition
                LIMIT \(limit)
                """, logger: database.logger)
            var events: [RecordedEvent] = []
            var next = cursor
            for try await row in rows.decode((UUID, String, Int, Int, Int64, String, String, String, Date, Bool).self) {
                let event = RecordedEvent(tenant: TenantID(row.0), stream: row.1, version: row.2, partition: row.3,
                                          position: row.4, type: row.5, data: row.6, metadata: row.7, recordedAt: row.8)
                next.advance(partition: event.partition, to: event.position)
                if row.9 { events.append(event) }
            }
            return Page(events: events, next: next)
        }
    }
}
