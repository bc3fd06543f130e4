import Foundation
import PostgresNIO

/// The live hub's poll (``EventStore/readAllPartitions(after:limit:database:)``), prepared once per connection:
/// every control-plane process runs it up to 200 times a second while events flow, and planning the lateral join
/// each time cost more than running it.
struct HubPollStatement: PostgresPreparedStatement {
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
    typealias Row = RecordedEvent

    var partitions: [Int]
    var after: [Int64]
    var limit: Int

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 3)
        bindings.append(partitions)
        bindings.append(after)
        bindings.append(limit)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> RecordedEvent {
        try EventRows.decode(row)
    }
}
