import Foundation

/// JSON for `jsonb` columns and API bodies: bound as text and cast in SQL, read back as `::text`. Dates are
/// RFC 3339 with fractional seconds (`2026-12-02T10:00:00.123Z`); decoding also takes the seconds-since-2001
/// numbers that earlier versions wrote.
public enum JSONCoding {
    /// Encodes `value` as compact JSON text with sorted keys.
    public static func encode<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(format(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// Decodes JSON text.
    public static func decode<T: Decodable>(_ type: T.Type, from text: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .custom { decoder in
            let container = try decoder.singleValueContainer()
            if let seconds = try? container.decode(Double.self) { return Date(timeIntervalSinceReferenceDate: seconds) }
            let text = try container.decode(String.self)
            if let date = try? Date(text, strategy: .iso8601.year().month().day().time(includingFractionalSeconds: true)) { return date }
            if let date = try? Date(text, strategy: .iso8601) { return date }
            throw DecodingError.dataCorruptedError(in: container, debugDescription: "not an RFC 3339 date: \(text)")
        }
        return try decoder.decode(type, from: Data(text.utf8))
    }

    /// A flat object of strings as compact JSON with sorted keys, as ``encode(_:)`` writes it but without an
    /// encoder (events' data, written for every event).
    public static func object(_ fields: [String: String]) -> String {
        var out = "{"
        for (offset, key) in fields.keys.sorted().enumerated() {
            if offset > 0 { out += "," }
            out += quoted(key) + ":" + quoted(fields[key] ?? "")
        }
        return out + "}"
    }

    /// `text` as a JSON string literal.
    static func quoted(_ text: String) -> String {
        // Most text needs no escape: one pass over its bytes decides (U+2028 and U+2029 both start with 0xE2).
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5C || $0 == 0xE2 }) { return "\"" + text + "\"" }
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

    /// `date` as RFC 3339 in UTC with milliseconds.
    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true))
    }
}
