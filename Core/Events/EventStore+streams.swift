import Foundation
import Logging
import PostgresNIO

extension EventStore {
    /// Appends events to several streams of `tenant` at once, in the caller's open transaction, without version
    /// expectations: two statements however many streams and partitions, where appending stream by stream costs
    /// two per stream while holding the partitions' locks.
    ///
    /// The partitions involved are locked first, in partition order (so concurrent multi-stream appends cannot
    /// deadlock); the second statement, whose snapshot therefore sees every append committed before those locks,
    /// takes the positions and inserts. Events keep their order within a stream, and within a partition positions
    /// follow the order given. Returns where each event landed, in the order given.
    @discardableResult
    public static func append(streams: [(stream: String, events: [NewEvent])], tenant: TenantID, on connection: PostgresConnection,
                              logger: Logger) async throws -> [Appended] {
        var names: [String] = []
        var types: [String] = []
        var data: [String] = []
        var metadata: [String] = []
        for (stream, events) in streams {
            guard (1...200).contains(stream.utf8.count) else { throw EventStoreError.invalid("a stream name has 1 to 200 bytes") }
            for event in events {
                names.append(stream)
                types.append(event.type)
                data.append(event.data)
                metadata.append(event.metadata)
            }
        }
        guard !names.isEmpty else { throw EventStoreError.emptyAppend }
        var lock = PostgresBindings(capacity: 2)
        lock.append(tenant.rawValue)
        lock.append(Array(Set(names)))
        guard try await !connection.run(EventAppendStatements.LockPartitions.self, lock, logger: logger).isEmpty else {
            throw EventStoreError.invalid("the event log has no partitions: run `glavito migrate`")
        }
        var insert = PostgresBindings(capacity: 5)
        insert.append(tenant.rawValue)
        insert.append(names)
        insert.append(types)
        insert.append(data)
        insert.append(metadata)
        let rows: [PostgresRow]
        do {
            rows = try await connection.run(EventAppendStatements.InsertStreams.self, insert, logger: logger)
        } catch let error as PSQLError {
            throw mapped(error)
        }
        guard rows.count == names.count else {
            throw EventStoreError.invalid("appended \(rows.count) of \(names.count) events")
        }
        EventMetrics.appended(names.count)
        return try rows.map { row in
            let (version, partition, position) = try row.decode((Int, Int, Int64).self)
            return Appended(version: version, partition: partition, position: position)
        }
    }
}
