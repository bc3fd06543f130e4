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

    /// Locks the partitions of streams `$2` of tenant `$1`, in partition order (the sort runs below the row locks),
    /// until the transaction ends. The first statement of a multi-stream append.
    enum LockPartitions: PreparedSQL {
        static let name = "glavito_event_lock_partitions_v1"
        static let sql = """
            SELECT partition FROM event_partitions
            WHERE partition IN (SELECT glavito_event_partition($1, s.stream) FROM unnest($2::text[]) AS s (stream))
            ORDER BY partition
            FOR UPDATE
            """
    }

    /// Appends events (`$2` streams, `$3` types, `$4` documents, `$5` metadata, one entry per event) of tenant `$1`
    /// after ``LockPartitions``: takes each partition's positions and each stream's next versions and inserts, in
    /// one statement. Returns `(version, partition, position)` per event, in the order given.
    enum InsertStreams: PreparedSQL {
        static let name = "glavito_event_insert_streams_v1"
        static let sql = """
            WITH e AS MATERIALIZED (
                SELECT x.stream, x.type, x.data, x.metadata, x.ordinality, glavito_event_partition($1, x.stream) AS partition
                FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS x (stream, type, data, metadata, ordinality)
            ), claimed AS (
                UPDATE event_partitions p SET head = p.head + c.n
                FROM (SELECT partition, count(*) AS n FROM e GROUP BY partition) AS c
                WHERE p.partition = c.partition
                RETURNING p.partition, p.head - c.n AS base
            ), current AS (
                SELECT s.stream, coalesce((SELECT max(v.version) FROM events v WHERE v.tenant_id = $1 AND v.stream = s.stream), 0) AS version
                FROM (SELECT DISTINCT stream FROM e) AS s
            ), placed AS (
                SELECT e.stream, e.type, e.data, e.metadata, e.ordinality, e.partition,
                       current.version + row_number() OVER (PARTITION BY e.stream ORDER BY e.ordinality) AS version,
                       claimed.base + row_number() OVER (PARTITION BY e.partition ORDER BY e.ordinality) AS position
                FROM e JOIN claimed USING (partition) JOIN current USING (stream)
            ), inserted AS (
                INSERT INTO events (tenant_id, stream, version, partition, position, type, data, metadata)
                SELECT $1, stream, version, partition, position, type, data::jsonb, metadata::jsonb
                FROM placed ORDER BY ordinality
                RETURNING stream, version, partition, position
            )
            SELECT inserted.version, inserted.partition, inserted.position
            FROM inserted JOIN placed USING (partition, position)
            ORDER BY placed.ordinality
            """
    }
}
