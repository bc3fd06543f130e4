import Foundation
import PostgresNIO

/// The two statements of an append, prepared once per connection (see ``PreparedSQL``): appends run in every
/// state-changing transaction, and re-parsing and re-planning them (with the partition function inlined each
/// time) was most of their database time.
enum EventAppendStatements {
    /// Takes `$1` positions of the partition of stream `$3` of tenant `$2`; its row lock is held until the
    /// transaction ends. Returns `(partition, head)`.
    enum ClaimPositions: PreparedSQL {
        static let name = "glavito_event_claim_v1"
        static let sql = """
            UPDATE event_partitions
            SET head = head + $1
            WHERE partition = glavito_event_partition($2, $3)
            RETURNING partition, head
            """
    }

    /// Inserts the events (`$5` types, `$6` documents, `$7` metadata) after the stream's current version, unless
    /// `$8` (check) and the version is not `$9`. A new statement after ``ClaimPositions``, so its snapshot sees
    /// every append committed before the lock. Returns `(version, position)` per event.
    enum Insert: PreparedSQL {
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
    }
}
