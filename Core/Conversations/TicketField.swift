import Foundation

/// A custom field of tickets (or of contacts, by ``entity``) that a tenant's admin defines, with the rules its
/// values must follow (docs/workspace.md, "Custom fields").
public struct TicketField: Sendable, Equatable, Codable {
    /// text, number, boolean, date (YYYY-MM-DD) or select (one of ``options``).
    public var key: String
    public var label: String
    public var type: String
    public var required: Bool
    /// A regular expression the whole text must match (text fields).
    public var pattern: String?
    public var options: [String]
    /// The record the field belongs to: `ticket` (values in `tickets.custom_fields`) or `contact` (in
    /// `contacts.attributes`).
    public var entity: String

    public static let types = ["text", "number", "boolean", "date", "select"]
    /// The records that have custom fields.
    public static let entities = ["ticket", "contact"]

    enum CodingKeys: String, CodingKey {
        case key, label, type, required, pattern, options, entity
    }

    public init(key: String, label: String, type: String, required: Bool = false, pattern: String? = nil, options: [String] = [],
                entity: String = "ticket") {
        self.entity = entity
        self.key = key
        self.label = label
        self.type = type
        self.required = required
        self.pattern = pattern
        self.options = options
    }

    /// Decodes a definition; `entity` may be left out (a ticket field), as may `required`, `pattern` and `options`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        label = try container.decode(String.self, forKey: .label)
        type = try container.decode(String.self, forKey: .type)
        required = try container.decodeIfPresent(Bool.self, forKey: .required) ?? false
        pattern = try container.decodeIfPresent(String.self, forKey: .pattern)
        options = try container.decodeIfPresent([String].self, forKey: .options) ?? []
        entity = try container.decodeIfPresent(String.self, forKey: .entity) ?? "ticket"
    }

    /// Why the definition itself cannot be saved, or `nil`.
    public var definitionProblem: String? {
        guard Self.entities.contains(entity) else { return "the entity must be one of \(Self.entities.joined(separator: ", "))" }
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

    /// `text` (from a query string) as the JSON value this field stores: a number, a boolean, or the text itself;
    /// `nil` when it cannot be one.
    public func value(from text: String) -> JSONValue? {
        switch type {
        case "number": Double(text).map(JSONValue.number)
        case "boolean": text == "true" ? .bool(true) : text == "false" ? .bool(false) : nil
        default: .string(text)
        }
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
