import Foundation

/// An event prepared once for every live subscriber of its tenant: the fields the visibility contract reads, and
/// its JSON in the two forms a subscriber may be sent (full, or without `data` and `metadata`).
public struct LiveEvent: Sendable {
    /// The event as stored.
    public let record: RecordedEvent
    /// `data.assignee_id`: the user the ticket is assigned to, if any.
    public let assignee: UserID?
    /// `data.team_id`: the team the ticket belongs to, if any.
    public let team: String?
    /// `{"stream":…,"version":…,"type":…,"data":…,"metadata":…,"recorded_at":…}`.
    public let fullJSON: String
    /// The same without `data` and `metadata`, for subscribers who may count the event but not read it.
    public let reducedJSON: String

    /// Whether the event belongs to a ticket stream (`ticket/<id>`), the only streams live updates carry so far.
    public let isTicketEvent: Bool

    /// Prepares `record`.
    public init(_ record: RecordedEvent) {
        self.record = record
        isTicketEvent = record.stream.hasPrefix("ticket/")
        let data = (try? JSONSerialization.jsonObject(with: Data(record.data.utf8), options: [.fragmentsAllowed])) ?? [String: Any]()
        let metadata = (try? JSONSerialization.jsonObject(with: Data(record.metadata.utf8))) ?? [String: Any]()
        let fields = data as? [String: Any]
        assignee = (fields?["assignee_id"] as? String).flatMap(UUID.init(uuidString:)).map(UserID.init)
        team = fields?["team_id"] as? String
        var reduced: [String: Any] = [
            "stream": record.stream, "version": record.version, "type": record.type,
            "recorded_at": Self.timestamp(record.recordedAt),
        ]
        reducedJSON = Self.serialise(reduced)
        reduced["data"] = data
        reduced["metadata"] = metadata
        fullJSON = Self.serialise(reduced)
    }

    static func serialise(_ object: [String: Any]) -> String {
        let bytes = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return String(decoding: bytes, as: UTF8.self)
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
