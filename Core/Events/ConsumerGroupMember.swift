import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// One member of a consumer group: the processes of a group share the log's partitions through leases, so each
/// partition is read by one member at a time, and commit an offset per partition after processing (at-least-once).
///
/// Members rebalance on every heartbeat: each takes its fair share (`ceil(partitions / live members)`), gives
/// back partitions beyond it, and picks up partitions that are free or whose owner's lease expired (a member that
/// died). Runs as the platform role.
public struct ConsumerGroupMember: Sendable {
    /// The group's name: lowercase letters, digits, `.`, `_`, `-`.
    public let group: String
    /// This member's unique name.
    public let member: String
    let database: Database
    /// How long a partition stays owned without a heartbeat.
    public var lease: Duration = .seconds(10)
    /// Most events handed to the handler at once.
    public var batchSize = 500

    /// Creates a member of `group` named `member`.
    public init(group: String, member: String, database: Database) {
        self.group = group
        self.member = member
        self.database = database
    }

    var leaseSeconds: Double { Double(lease.components.seconds) + Double(lease.components.attoseconds) / 1e18 }

    /// Makes sure the group has an offset row per partition; a new group starts at the beginning of the log.
    public func join() async throws {
        let group = self.group
        try await database.withTransaction { connection in
            try await connection.checkedQuery("""
                INSERT INTO event_consumer_offsets (group_name, partition)
                SELECT \(group), partition FROM event_partitions
                ON CONFLICT DO NOTHING
                """, logger: database.logger)
        }
    }

    /// One heartbeat: records this member as alive, gives back partitions beyond its fair share, renews its leases
    /// and claims free or expired partitions up to its share. Returns the partitions it now owns.
    public func rebalance() async throws -> [Int] {
        let (group, member, seconds) = (self.group, self.member, leaseSeconds)
        let logger = database.logger
        return try await database.withTransaction { connection in
            try await connection.checkedQuery("""
                INSERT INTO event_consumer_members (group_name, member, last_seen)
                VALUES (\(group), \(member), now())
                ON CONFLICT (group_name, member) DO UPDATE SET last_seen = now()
                """, logger: logger)
            try await connection.checkedQuery("""
                DELETE FROM event_consumer_members
                WHERE group_name = \(group) AND last_seen < now() - make_interval(secs => \(seconds * 3))
                """, logger: logger)
            let shareRows = try await connection.checkedQuery("""
                SELECT ceil((SELECT count(*) FROM event_partitions)::numeric
                            / greatest(1, (SELECT count(*) FROM event_consumer_members
                                           WHERE group_name = \(group)
                                             AND last_seen > now() - make_interval(secs => \(seconds)))))::int
                """, logger: logger)
            var share = 1
            for try await value in shareRows.decode(Int.self) { share = value }
            // Give back what exceeds the share (highest partitions first), renew the rest.
            try await connection.checkedQuery("""
                UPDATE event_consumer_offsets
                SET owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE group_name = \(group) AND owner = \(member)
                  AND partition NOT IN (SELECT partition FROM event_consumer_offsets
                                        WHERE group_name = \(group) AND owner = \(member)
                                        ORDER BY partition
                                        LIMIT \(share))
                """, logger: logger)
            try await connection.checkedQuery("""
                UPDATE event_consumer_offsets
                SET lease_expires_at = now() + make_interval(secs => \(seconds)), updated_at = now()
                WHERE group_name = \(group) AND owner = \(member)
                """, logger: logger)
            let rows = try await connection.checkedQuery("""
                WITH owned AS (
                    SELECT count(*) AS n FROM event_consumer_offsets WHERE group_name = \(group) AND owner = \(member)
                ), free AS (
                    SELECT o.group_name, o.partition
                    FROM event_consumer_offsets o, owned
                    WHERE o.group_name = \(group)
                      AND (o.owner IS NULL OR o.lease_expires_at < now())
                    ORDER BY o.partition
                    LIMIT greatest(0, \(share) - (SELECT n FROM owned))
                    FOR UPDATE OF o SKIP LOCKED
                )
                UPDATE event_consumer_offsets o
                SET owner = \(member), lease_expires_at = now() + make_interval(secs => \(seconds)), updated_at = now()
                FROM free
                WHERE o.group_name = free.group_name AND o.partition = free.partition
                RETURNING o.partition
                """, logger: logger)
            for try await _ in rows.decode(Int.self) {}
            let mine = try await connection.checkedQuery("""
                SELECT partition FROM event_consumer_offsets
                WHERE group_name = \(group) AND owner = \(member)
                ORDER BY partition
                """, logger: logger)
            var partitions: [Int] = []
            for try await partition in mine.decode(Int.self) { partitions.append(partition) }
            return partitions
        }
    }

    /// The next batch of a partition this member holds a live lease on, from the committed offset; `nil` when the
    /// lease is gone (the partition moved to another member).
    public func nextBatch(partition: Int) async throws -> [RecordedEvent]? {
        let (group, member) = (self.group, self.member)
        let offset = try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                SELECT position FROM event_consumer_offsets
                WHERE group_name = \(group) AND partition = \(partition) AND owner = \(member)
                  AND lease_expires_at > now()
                """, logger: database.logger)
            var position: Int64?
            for try await value in rows.decode(Int64.self) { position = value }
            return position
        }
        guard let offset else { return nil }
        return try await EventStore.readPartition(partition, after: offset, limit: batchSize, database: database)
    }

    /// Commits `position` as processed for `partition`; false when this member no longer owns it (another member
    /// will then process those events again: at-least-once).
    @discardableResult
    public func commit(partition: Int, position: Int64) async throws -> Bool {
        let (group, member) = (self.group, self.member)
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                UPDATE event_consumer_offsets
                SET position = \(position), updated_at = now()
                WHERE group_name = \(group) AND partition = \(partition) AND owner = \(member)
                RETURNING partition
                """, logger: database.logger)
            for try await _ in rows.decode(Int.self) { return true }
            return false
        }
    }

    /// Leaves the group on a graceful stop: gives back every partition at once, so others take over without
    /// waiting for the leases to expire.
    public func leave() async throws {
        let (group, member) = (self.group, self.member)
        try await database.withTransaction { connection in
            try await connection.checkedQuery("""
                UPDATE event_consumer_offsets SET owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE group_name = \(group) AND owner = \(member)
                """, logger: database.logger)
            try await connection.checkedQuery("""
                DELETE FROM event_consumer_members WHERE group_name = \(group) AND member = \(member)
                """, logger: database.logger)
        }
    }

    /// Consumes until a graceful shutdown (or cancellation). Heartbeats run in their own child task every third of
    /// the lease, so a long batch never lets a lease lapse; the other task hands each owned partition's batches to
    /// `handler` in position order and commits after each batch. Leaves the group on a graceful stop.
    public func run(pollInterval: Duration = .milliseconds(200), handler: @Sendable @escaping ([RecordedEvent]) async throws -> Void) async throws {
        try await join()
        let owned = OwnedPartitions(try await rebalance())
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    try? await cancelWhenGracefulShutdown { try await Task.sleep(for: lease / 3) }
                    if Task.isCancelled || Task.isShuttingDownGracefully { break }
                    owned.set(try await rebalance())
                }
            }
            group.addTask {
                while !Task.isCancelled && !Task.isShuttingDownGracefully {
                    var drained = true
                    for partition in owned.get() {
                        guard let batch = try await nextBatch(partition: partition), let last = batch.last else { continue }
                        let started = Date()
                        let clock = ContinuousClock.now
                        try await handler(batch)
                        EventMetrics.processed(batch, group: self.group, started: started, duration: ContinuousClock.now - clock)
                        try await commit(partition: partition, position: last.position)
                        if batch.count == batchSize { drained = false }
                    }
                    if drained {
                        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: pollInterval) }
                    }
                }
            }
            try await group.waitForAll()
        }
        if !Task.isCancelled { try await leave() }
    }
}
