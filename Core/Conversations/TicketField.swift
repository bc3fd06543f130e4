import Foundation

/// A custom field of tickets that a tenant's admin defines, with the rules its values must follow
/// (docs/workspace.md, "Custom fields").
public struct TicketField: Sendable, Equatable, Codable {
    /// text, number, boolean, date (YYYY-MM-DD) or select (one of ``options``).
    public var key: String
    public var label: String
    public var type: String
    public var required: Bool
    /// A regular expression the whole text must match (text fields).
    public var pattern: String?
    public var options: [String]

    public static let types = ["text", "number", "boolean", "date", "select"]

    public init(key: String, label: String, type: String, required: Bool = false, pattern: String? = nil, options: [String] = []) {
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.pattern = pattern
        self.options = options
    }

    /// Why the definition itself cannot be saved, or `nil`.
    public var definitionProblem: String? {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first), key.utf8.count <= 40,
              key.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }) else {
            return "the key must start with a lower-case letter and hold only a-z, 0-9 and _ (40 at most)"
        }
        if label.trimmingCharacters(in: .whitespaces).isEmpty || label.count > 80 { return "the label must have 1 to 80 characters" }
        guard Self.types.contains(type) else { return "the type must be one of \(Self.types.joined(separator: ", "))" }
        if type == "select" && options.isEmpty { return "a select field needs at least one option" }
        if let pattern {
            guard type == "text" else { return "only text fields take a pattern" }
            guard pattern.count <= 200, (try? Regex(pattern)) != nil else { return "the pattern is not a valid regular expression" }
        }
        return nil
    }

    /// Why `value` is not acceptable for this field, in words an agent understands; `nil` when it is.
    public func problem(with value: JSONValue?) -> String? {
        guard let value, value != .null else { return required ? "\(label) is required" : nil }
        switch (type, value) {
        case ("text", .string(let text)):
            if required && text.trimmingCharacters(in: .whitespaces).isEmpty { return "\(label) is required" }
            if let pattern, let regex = try? Regex(pattern), (try? regex.wholeMatch(in: text)) == nil {
                return "\(label) must match the pattern \(pattern)"
            }
            return text.count > 1000 ? "\(label) must be at most 1,000 characters" : nil
        case ("number", .number), ("boolean", .bool):
            return nil
        case ("date", .string(let text)):
            return (try? Date(text + "T00:00:00Z", strategy: .iso8601)) == nil ? "\(label) must be a date (YYYY-MM-DD)" : nil
        case ("select", .string(let text)):
            return options.contains(text) ? nil : "\(label) must be one of \(options.joined(separator: ", "))"
        default:
            return "\(label) must be a \(type == "boolean" ? "yes/no value" : type)"
        }
    }
}
