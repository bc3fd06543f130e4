import Foundation

/// A team of a tenant's agents (docs/workspace.md, "Teams"). Users belong to teams (`users.teams`) and a ticket
/// may be routed to one (`tickets.team`); both name the team by its ``key``, which never changes.
public struct Team: Sendable, Equatable, Codable {
    /// The slug users and tickets refer to, unique within the tenant.
    public var key: String
    /// What people see.
    public var name: String
    /// What the team handles, for admins (may be empty).
    public var description: String
    /// The users in the team, by id.
    public var members: [UserID]

    enum CodingKeys: String, CodingKey {
        case key, name, description, members
        case memberCount = "member_count"
    }

    /// Creates a team.
    public init(key: String, name: String, description: String = "", members: [UserID] = []) {
        self.key = key
        self.name = name
        self.description = description
        self.members = members
    }

    /// Decodes `key`, `name` and `description` (members are changed through their own route).
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        key = try container.decode(String.self, forKey: .key)
        name = try container.decodeIfPresent(String.self, forKey: .name) ?? key
        description = try container.decodeIfPresent(String.self, forKey: .description) ?? ""
        members = []
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(key, forKey: .key)
        try container.encode(name, forKey: .name)
        try container.encode(description, forKey: .description)
        try container.encode(members.map(\.description), forKey: .members)
        try container.encode(members.count, forKey: .memberCount)
    }

    /// Whether `key` is acceptable for a new team: a lower-case letter or digit, then letters, digits, `_` or `-`,
    /// 40 at most.
    public static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first) || ("0"..."9").contains(first), key.utf8.count <= 40 else {
            return false
        }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }

    /// Why a team named `name` with `description` cannot be saved, or `nil`.
    public static func problem(name: String, description: String) -> String? {
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        if !(1...100).contains(trimmed.count) { return "the name must have 1 to 100 characters" }
        if description.count > 500 { return "the description must be at most 500 characters" }
        return nil
    }
}
