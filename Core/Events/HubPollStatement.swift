import Foundation

/// The live hub's poll (``EventStore/readAllPartitions(after:limit:database:)``), prepared once per connection (see
/// ``PreparedSQL``): every control-plane process runs it up to 200 times a second while events flow, and planning
/// the lateral join each time cost more than running it. `$1` partitions, `$2` the positions after which to read
/// each, `$3` the limit; rows are ``EventRows/columns``.
enum HubPollStatement: PreparedSQL {
    static let name = "glavito_hub_poll_v1"
    /// One index range scan per partition, each limited: a plain join let the planner scan the whole table.
    static let sql = """
        SELECT page.*
        FROM unnest($1::int[], $2::int8[]) AS cursor(p, after)
        CROSS JOIN LATERAL (
            SELECT \(EventRows.columns) FROM events
            WHERE partition = cursor.p AND position > cursor.after
            ORDER BY position
            LIMIT $3
        ) AS page
        ORDER BY page.partition, page.position
        LIMIT $3
        """
}
