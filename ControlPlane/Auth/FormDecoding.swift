import Foundation

/// `application/x-www-form-urlencoded` decoding.
enum FormDecoding {
    /// The fields of a form body (or query string); a repeated field keeps its values joined by commas.
    static func fields(_ text: String) -> [String: String] {
        var fields: [String: String] = [:]
        for pair in text.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = decode(parts[0]), !key.isEmpty else { continue }
            let value = parts.count > 1 ? (decode(parts[1]) ?? "") : ""
            if let existing = fields[key] { fields[key] = existing + "," + value } else { fields[key] = value }
        }
        return fields
    }

    static func decode(_ text: Substring) -> String? {
        text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }
}
