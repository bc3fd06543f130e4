import Foundation
import Logging
import PostgresNIO

/// The append-only event log in PostgreSQL.
///
/// Appends run inside the caller's transaction, so an event commits together with the state change it describes.
/// Each stream maps to one partition; appending takes the partition's next positions under a row lock held until
/// the transaction ends, so within a partition positions are gap-free and commit in order, and a reader's
/// `(partition, position)` cursor never skips an event committed late. Append as the last step of a transaction:
/// the lock serialises appends to the same partition until commit.
public enum EventStore {
    /// Where an appended event landed.
    public struct Appended: Sendable, Equatable {
        /// Its version in the stream.
        public let version: Int
        /// Its partition.
        public let partition: Int
        /// Its position in the partition.
        public let position: Int64
    }

    /// Appends `events` to `stream` of `tenant` on `connection`, inside the caller's open transaction.
    ///
    /// - Throws: ``EventStoreError/versionConflict(stream:expected:actual:)`` when `expected` does not hold.
    @discardableResult
    public static func append(
        _ events: [NewEvent], to stream: String, tenant: TenantID, expected: ExpectedVersion = .any,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> [Appended] {
        guard !events.isEmpty else { throw EventStoreError.emptyAppend }
        guard (1...200).contains(stream.utf8.count) else { throw EventStoreError.invalid("a stream name has 1 to 200 bytes") }
        let count = events.count
        var claim = PostgresBindings(capacity: 3)
        claim.append(count)
        claim.append(tenant.rawValue)
        claim.append(stream)
        guard let claimed = try await connection.run(EventAppendStatements.ClaimPositions.self, claim, logger: logger).first else {
            throw EventStoreError.invalid("the event log has no partitions: run `glavito migrate`")
        }
        let (partition, head) = try claimed.decode((Int, Int64).self)

        let (check, expectedValue): (Bool, Int) = switch expected {
        case .any: (false, 0)
        case .noStream: (true, 0)
        case .exactly(let version): (true, version)
        }
        var insert = PostgresBindings(capacity: 9)
        insert.append(tenant.rawValue)
        insert.append(stream)
        insert.append(partition)
        insert.append(head - Int64(count) + 1)
        insert.append(events.map(\.type))
        insert.append(events.map(\.data))
        insert.append(events.map(\.metadata))
        insert.append(check)
        insert.append(expectedValue)
        let appended: [Appended]
        do {
            appended = try await connection.run(EventAppendStatements.Insert.self, insert, logger: logger).map { row in
                let (version, position) = try row.decode((Int, Int64).self)
                return Appended(version: version, partition: partition, position: position)
            }
        } catch let error as PSQLError {
            throw mapped(error)
        }
        guard appended.count == count else {
            // Give the positions back, so the partition stays gap-free even if the caller commits anyway.
            try await connection.checkedQuery("""
                UPDATE event_partitions SET head = head - \(count) WHERE partition = \(partition)
                """, logger: logger)
            let actual = try await currentVersion(of: stream, tenant: tenant, on: connection, logger: logger)
            throw EventStoreError.versionConflict(stream: stream, expected: expected, actual: actual)
        }
        EventMetrics.appended(count)
        return appended.sorted { $0.position < $1.position }
    }

    /// The last version of a stream, 0 when it has no events.
    public static func currentVersion(
        of stream: String, tenant: TenantID, on connection: PostgresConnection, logger: Logger
    ) async throws -> Int {
        let rows = try await connection.checkedQuery("""
            SELECT coalesce(max(version), 0) FROM events WHERE tenant_id = \(tenant.rawValue) AND stream = \(stream)
            """, logger: logger)
        for try await version in rows.decode(Int.self) { return version }
        return 0
    }

    /// A stream's events from `fromVersion` on, as the tenant (row-level security applies).
    public static func readStream(
        _ stream: String, tenant: TenantID, fromVersion: Int = 1, limit: Int = 1000, database: Database
    ) async throws -> [RecordedEvent] {
        try await database.withTenantTransaction(tenant) { connection in
            try await EventRows.read(connection.checkedQuery("""
                SELECT \(unescaped: EventRows.columns)
                FROM events
                WHERE tenant_id = \(tenant.rawValue) AND stream = \(stream) AND version >= \(fromVersion)
                ORDER BY version
                LIMIT \(limit)
                """, logger: database.logger))
        }
    }

    /// A partition's events after `position`, across tenants: platform work (consumer groups, replay).
    public static func readPartition(
        _ partition: Int, after position: Int64, limit: Int, database: Database
    ) async throws -> [RecordedEvent] {
        try await database.withConnection { connection in
            try await EventRows.read(connection.checkedQuery("""
                SELECT \(unescaped: EventRows.columns)
                FROM events
                WHERE partition = \(partition) AND position > \(position)
                ORDER BY position
                LIMIT \(limit)
                """, logger: database.logger))
        }
    }

    /// The number of partitions and each one's head position.
    public static func heads(database: Database) async throws -> [Int: Int64] {
        try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("SELECT partition, head FROM event_partitions", logger: database.logger)
            var heads: [Int: Int64] = [:]
            for try await (partition, head) in rows.decode((Int, Int64).self) { heads[partition] = head }
            return heads
        }
    }

    static func mapped(_ error: PSQLError) -> any Error {
        switch error.serverInfo?[.sqlState] {
        case "22P02", "22032": EventStoreError.invalid("an event's data or metadata is not valid JSON")
        case "23514": EventStoreError.invalid("an event type has 1 to 200 characters")
        default: error
        }
    }
}
