import Foundation

/// An agent's saved inbox filter: a name, a view and the filters' values.
public struct SavedFilter: Sendable, Codable, Equatable {
    public var id: UUID?
    public var name: String
    public var view: String
    public var filters: [String: String]

    /// The views a filter can start from.
    public static let views = ["mine", "unassigned", "teams", "all"]
    /// The filter keys the inbox knows.
    public static let keys: Set<String> = ["status", "channel", "priority", "team", "tag", "q", "assignee"]

    public init(id: UUID? = nil, name: String, view: String, filters: [String: String]) {
        self.id = id
        self.name = name
        self.view = view
        self.filters = filters
    }

    /// Whether `key` is a custom-field filter: `field.` and a field key.
    public static func isFieldFilter(_ key: String) -> Bool {
        guard key.hasPrefix("field.") else { return false }
        let field = key.dropFirst("field.".count)
        return (1...40).contains(field.utf8.count) && field.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// Why the filter cannot be saved, or `nil`.
    public var problem: String? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...60).contains(trimmed.count) { return "name must be 1 to 60 characters" }
        if !Self.views.contains(view) { return "view must be one of \(Self.views.joined(separator: ", "))" }
        if let unknown = filters.keys.first(where: { !Self.keys.contains($0) && !Self.isFieldFilter($0) }) { return "unknown filter '\(unknown)'" }
        if filters.values.contains(where: { $0.count > 200 }) { return "filter values are at most 200 characters" }
        if filters.keys.filter(Self.isFieldFilter).count > 10 { return "at most 10 field filters" }
        return nil
    }
}
