import Foundation
import GlavitoCore

/// The JSON control frames of the live protocol (events themselves are built by ``LiveFeed``).
enum LiveFrames {
    /// `{"type":"subscribed","cursor":…,"topics":[…],"refused":[{"topic":…,"reason":…}]}`.
    static func subscribed(_ cursor: EventCursor, _ audience: LiveAudience) -> String {
        serialise([
            "type": "subscribed", "cursor": cursor.description, "topics": audience.topics.map(\.description),
            "refused": audience.refused.map { ["topic": $0.topic, "reason": $0.reason] },
        ])
    }

    /// Most events in one `events` frame.
    static let batchLimit = 100

    /// `{"type":"events","cursor":…,"events":[<event frame>…]}`: the deliveries in frames of at most
    /// ``batchLimit`` events; `cursor` is the last event's, each event keeps its own.
    static func batches(_ deliveries: [LiveFeed.Delivery]) -> [String] {
        stride(from: 0, to: deliveries.count, by: batchLimit).map { start in
            let part = deliveries[start..<min(start + batchLimit, deliveries.count)]
            let events = part.map(\.json).joined(separator: ",")
            return #"{"type":"events","cursor":"\#(part.last!.cursor)","events":[\#(events)]}"#
        }
    }

    /// `{"type":"error","code":…,"message":…}`.
    static func error(_ code: String, _ message: String) -> String {
        serialise(["type": "error", "code": code, "message": message])
    }

    static func serialise(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
