import Foundation
import PostgresNIO

/// The column list and decoding shared by the event queries.
enum EventRows {
    /// Static SQL: the selected columns of `events`, in ``read(_:)``'s order.
    static let columns = "tenant_id, stream, version, partition, position, type, data::text, metadata::text, recorded_at"

    static func read(_ rows: PostgresRowSequence) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await row in rows { events.append(try decode(row)) }
        return events
    }

    /// One row of ``columns``.
    static func decode(_ row: PostgresRow) throws -> RecordedEvent {
        let fields = try row.decode((UUID, String, Int, Int, Int64, String, String, String, Date).self)
        return RecordedEvent(
            tenant: TenantID(fields.0), stream: fields.1, version: fields.2, partition: fields.3, position: fields.4,
            type: fields.5, data: fields.6, metadata: fields.7, recordedAt: fields.8
        )
    }
}
