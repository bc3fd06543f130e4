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

    /// `{"type":"error","code":…,"message":…}`.
    static func error(_ code: String, _ message: String) -> String {
        serialise(["type": "error", "code": code, "message": message])
    }

    static func serialise(_ object: [String: Any]) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }
}
