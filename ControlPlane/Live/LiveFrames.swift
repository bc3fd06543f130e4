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

    /// `{"type":"events","cursor":…,"events":[{"topics":[…],"event":{…}}…]}`: the deliveries of one batch in frames
    /// of at most ``LiveFeed/frameLimit`` events; each frame's cursor is where the client stands after it (the feed
    /// gives a cursor to the last delivery of every such run and of the batch).
    static func batches(_ deliveries: [LiveFeed.Delivery]) -> [String] {
        stride(from: 0, to: deliveries.count, by: LiveFeed.frameLimit).map { start in
            let part = deliveries[start..<min(start + LiveFeed.frameLimit, deliveries.count)]
            var frame = #"{"type":"events","cursor":""#
            frame += part.last?.cursor ?? ""
            frame += #"","events":["#
            for (index, delivery) in part.enumerated() {
                if index > 0 { frame += "," }
                frame += "{"
                frame += delivery.body
                frame += "}"
            }
            frame += "]}"
            return frame
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
