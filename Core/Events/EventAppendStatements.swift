import Foundation
import PostgresNIO

/// The two statements of an append, prepared once per connection (postgres-nio names and caches them): appends
/// run in every state-changing transaction, and re-parsing and re-planning them (with the partition function
/// inlined each time) was most of their database time.
enum EventAppendStatements {
    /// Takes `count` positions of the stream's partition; its row lock is held until the transaction ends.
    struct ClaimPositions: PostgresPreparedStatement {
        static let name = "glavito_event_claim_v1"
        static let sql = """
            UPDATE event_partitions
            SET head = head + $1
            WHERE partition = glavito_event_partition($2, $3)
            RETURNING partition, head
            """
        typealias Row = (Int, Int64)

        var count: Int
        var tenant: UUID
        var stream: String

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(count)
            bindings.append(tenant)
            bindings.append(stream)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }

    /// Inserts the events after the stream's current version, unless `check` and the version is not `expected`.
    /// A new statement after ``ClaimPositions``, so its snapshot sees every append committed before the lock.
    struct Insert: PostgresPreparedStatement {
        static let name = "glavito_event_insert_v1"
        static let sql = """
            INSERT INTO events (tenant_id, stream, version, partition, position, type, data, metadata)
            SELECT $1, $2, current.version + e.ordinality, $3, $4 - 1 + e.ordinality, e.type, e.data::jsonb, e.metadata::jsonb
            FROM (SELECT coalesce(max(version), 0) AS version
                  FROM events
                  WHERE tenant_id = $1 AND stream = $2) AS current,
                 unnest($5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS e(type, data, metadata, ordinality)
            WHERE NOT $8 OR current.version = $9
            ORDER BY e.ordinality
            RETURNING version, position
            """
        typealias Row = (Int, Int64)

        var tenant: UUID
        var stream: String
        var partition: Int
        var firstPosition: Int64
        var types: [String]
        var documents: [String]
        var metadata: [String]
        var check: Bool
        var expected: Int

        func makeBindings() throws -> PostgresBindings {
            var bindings = PostgresBindings(capacity: 9)
            bindings.append(tenant)
            bindings.append(stream)
            bindings.append(partition)
            bindings.append(firstPosition)
            bindings.append(types)
            bindings.append(documents)
            bindings.append(metadata)
            bindings.append(check)
            bindings.append(expected)
            return bindings
        }

        func decodeRow(_ row: PostgresRow) throws -> Row { try row.decode(Row.self) }
    }
}
