import Foundation
import Logging
import PostgresNIO

/// Inspecting and rewinding consumer groups (platform role): lag per group, and replay by resetting offsets.
public struct ConsumerGroupAdmin: Sendable {
    /// One group's state.
    public struct GroupStatus: Sendable, Equatable {
        /// The group's name.
        public let name: String
        /// Events appended but not yet committed by the group, over all partitions.
        public let lagEvents: Int64
        /// Age in seconds of the oldest event the group has not committed; 0 when it is caught up.
        public let lagSeconds: Double
        /// Partitions with a live owner.
        public let ownedPartitions: Int
        /// Live members.
        public let members: [String]
    }

    /// Where a reset moves a group's offsets.
    public enum ResetTarget: Sendable, Equatable {
        /// Before the first event: everything is delivered again.
        case beginning
        /// After the last event: nothing old is delivered.
        case end
        /// Before the first event recorded at or after this time.
        case time(Date)
    }

    let database: Database

    /// Creates an admin over the platform role's connection.
    public init(database: Database) {
        self.database = database
    }

    /// Every group with its lag.
    public func groups() async throws -> [GroupStatus] {
        try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                SELECT o.group_name,
                       sum(p.head - o.position)::bigint,
                       coalesce(extract(epoch FROM now() - min(
                           (SELECT e.recorded_at FROM events e
                            WHERE e.partition = o.partition AND e.position = o.position + 1))), 0)::float8,
                       count(*) FILTER (WHERE o.owner IS NOT NULL AND o.lease_expires_at > now())::int,
                       coalesce((SELECT array_agg(m.member ORDER BY m.member) FROM event_consumer_members m
                                 WHERE m.group_name = o.group_name), '{}')
                FROM event_consumer_offsets o
                JOIN event_partitions p ON p.partition = o.partition
                GROUP BY o.group_name
                ORDER BY o.group_name
                """, logger: database.logger)
            var groups: [GroupStatus] = []
            for try await (name, lag, seconds, owned, members) in rows.decode((String, Int64, Double, Int, [String]).self) {
                groups.append(GroupStatus(name: name, lagEvents: lag, lagSeconds: seconds, ownedPartitions: owned, members: members))
            }
            return groups
        }
    }

    /// Moves every offset of `group` to `target`; returns how many partitions it changed. Members pick the new
    /// offsets up with their next batch, so a reset works while the group runs.
    @discardableResult
    public func reset(group: String, to target: ResetTarget) async throws -> Int {
        try await database.withTransaction { connection in
            let rows: PostgresRowSequence
            switch target {
            case .beginning:
                rows = try await connection.checkedQuery("""
                    UPDATE event_consumer_offsets SET position = 0, updated_at = now()
                    WHERE group_name = \(group)
                    RETURNING partition
                    """, logger: database.logger)
            case .end:
                rows = try await connection.checkedQuery("""
                    UPDATE event_consumer_offsets o SET position = p.head, updated_at = now()
                    FROM event_partitions p
                    WHERE o.group_name = \(group) AND p.partition = o.partition
                    RETURNING o.partition
                    """, logger: database.logger)
            case .time(let date):
                rows = try await connection.checkedQuery("""
                    UPDATE event_consumer_offsets o
                    SET position = coalesce((SELECT max(e.position) FROM events e
                                             WHERE e.partition = o.partition AND e.recorded_at < \(date)), 0),
                        updated_at = now()
                    WHERE o.group_name = \(group)
                    RETURNING o.partition
                    """, logger: database.logger)
            }
            var count = 0
            for try await _ in rows.decode(Int.self) { count += 1 }
            return count
        }
    }
}
