import Foundation
import PostgresNIO

/// The column list and decoding shared by the event queries.
enum EventRows {
    /// Static SQL: the selected columns of `events`, in ``read(_:)``'s order.
    static let columns = "tenant_id, stream, version, partition, position, type, data::text, metadata::text, recorded_at"

    static func read(_ rows: PostgresRowSequence) async throws -> [RecordedEvent] {
        var events: [RecordedEvent] = []
        for try await row in rows.decode((UUID, String, Int, Int, Int64, String, String, String, Date).self) {
            events.append(RecordedEvent(
                tenant: TenantID(row.0), stream: row.1, version: row.2, partition: row.3, position: row.4,
                type: row.5, data: row.6, metadata: row.7, recordedAt: row.8
            ))
        }
        return events
    }
}
