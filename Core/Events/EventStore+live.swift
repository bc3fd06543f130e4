import Foundation
import PostgresNIO

extension EventStore {
    /// Events after `positions` (per partition; absent partitions from 0) across tenants, in partition then
    /// position order, at most `limit`: platform work (live fan-out).
    public static func readAllPartitions(
        after positions: [Int: Int64], limit: Int, database: Database
    ) async throws -> [RecordedEvent] {
        let partitions = positions.keys.sorted()
        let after = partitions.map { positions[$0] ?? 0 }
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(partitions)
        bindings.append(after)
        bindings.append(limit)
        return try await database.withConnection { connection in
            try await connection.run(HubPollStatement.self, bindings, logger: database.logger).map(EventRows.decode)
        }
    }

    /// One tenant's events of `partition` in (`after`, `through`], at most `limit`, as the tenant (row-level
    /// security applies): a live subscriber's resume.
    public static func readTenantPartition(
        _ partition: Int, tenant: TenantID, after: Int64, through: Int64, limit: Int, database: Database
    ) async throws -> [RecordedEvent] {
        try await database.withTenantTransaction(tenant) { connection in
            try await EventRows.read(connection.checkedQuery("""
                SELECT \(unescaped: EventRows.columns)
                FROM events
                WHERE tenant_id = \(tenant.rawValue) AND partition = \(partition)
                  AND position > \(after) AND position <= \(through)
                ORDER BY position
                LIMIT \(limit)
                """, logger: database.logger))
        }
    }
}
