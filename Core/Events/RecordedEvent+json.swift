import Foundation

extension RecordedEvent {
    /// The event as one JSON object for API clients: `stream`, `version`, `type`, `data` and `metadata` (the stored
    /// JSON documents, embedded as they are), `partition`, `position` and `recorded_at` (RFC 3339, UTC, with
    /// milliseconds).
    public var json: String {
        "{\"stream\":\(JSONCoding.quoted(stream)),\"version\":\(version),\"type\":\(JSONCoding.quoted(type)),"
            + "\"data\":\(data),\"metadata\":\(metadata),\"partition\":\(partition),\"position\":\(position),"
            + "\"recorded_at\":\(JSONCoding.quoted(Self.timestamp(recordedAt)))}"
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
