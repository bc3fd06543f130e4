import Foundation

extension RecordedEvent {
    /// The event as one JSON object for API clients: `stream`, `version`, `type`, `data` and `metadata` (the stored
    /// JSON documents, embedded as they are), `partition`, `position` and `recorded_at` (RFC 3339, UTC, with
    /// milliseconds).
    public var json: String {
        "{\"stream\":\(Self.quoted(stream)),\"version\":\(version),\"type\":\(Self.quoted(type)),"
            + "\"data\":\(data),\"metadata\":\(metadata),\"partition\":\(partition),\"position\":\(position),"
            + "\"recorded_at\":\(Self.quoted(Self.timestamp(recordedAt)))}"
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        var out = "\""
        out.reserveCapacity(text.utf8.count + 2)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20 || scalar.value == 0x2028 || scalar.value == 0x2029:
                out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }

    static func timestamp(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true, timeZone: TimeZone(identifier: "UTC")!))
    }
}
