import Foundation

/// A JSON object as `JSONSerialization` reads it.
typealias JSONObject = [String: Any]

/// Reading Meta webhook bodies: the envelope check and stable re-serialisation shared by the channel parsers.
enum MetaJSON {
    /// The body as a JSON object whose `object` field is `expected`.
    static func envelope(_ body: [UInt8], expected: String) throws(ChannelPayloadError) -> JSONObject {
        guard let parsed = try? JSONSerialization.jsonObject(with: Data(body)), let root = parsed as? JSONObject else {
            throw .notJSON
        }
        let found = root.string("object")
        guard found == expected else { throw .unexpectedObject(expected: expected, found: found) }
        return root
    }

    /// `object` as compact JSON (stored as `jsonb`, which orders keys itself; sorting them here cost a third of
    /// parsing a webhook).
    static func serialise(_ object: JSONObject) -> String {
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes])
        else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

extension Dictionary where Key == String, Value == Any {
    /// The string at `key`; numbers are given as their decimal text (ids sometimes arrive as numbers).
    func string(_ key: String) -> String? {
        if let text = self[key] as? String { return text }
        if let number = self[key] as? Int { return String(number) }
        return nil
    }

    /// The string at `key` unless it is missing or blank.
    func nonEmptyString(_ key: String) -> String? {
        guard let text = string(key)?.trimmingWhitespace(), !text.isEmpty else { return nil }
        return text
    }

    /// The integer at `key`, also from decimal text.
    func int(_ key: String) -> Int? {
        if let number = self[key] as? Int { return number }
        if let text = self[key] as? String { return Int(text) }
        return nil
    }

    /// The number at `key`, also from decimal text.
    func double(_ key: String) -> Double? {
        if let number = self[key] as? Double { return number }
        if let text = self[key] as? String { return Double(text) }
        return nil
    }

    /// Whether the value at `key` is `true`.
    func flag(_ key: String) -> Bool { (self[key] as? Bool) == true }

    /// The object at `key`.
    func object(_ key: String) -> JSONObject? { self[key] as? JSONObject }

    /// The objects in the array at `key` with their positions in it (other elements are skipped).
    func indexedObjects(_ key: String) -> [(Int, JSONObject)] {
        (self[key] as? [Any])?.enumerated().compactMap { index, element in (element as? JSONObject).map { (index, $0) } } ?? []
    }

    /// The objects in the array at `key` (other elements are skipped); empty when there is none.
    func objects(_ key: String) -> [JSONObject] { (self[key] as? [Any])?.compactMap { $0 as? JSONObject } ?? [] }
}
