import Foundation

/// A prepared answer agents insert into the composer; `{{contact.name}}`, `{{agent.name}}` and
/// `{{ticket.subject}}` in its body are filled in by the workspace.
public struct CannedResponse: Sendable, Equatable, Codable {
    public var id: UUID?
    /// What an agent types after `/` to find it: lower-case letters, digits, `-` and `_`.
    public var shortcut: String
    public var title: String
    public var body: String

    public init(id: UUID? = nil, shortcut: String, title: String, body: String) {
        self.id = id
        self.shortcut = shortcut
        self.title = title
        self.body = body
    }

    /// Why it cannot be saved, or `nil`.
    public var problem: String? {
        guard !shortcut.isEmpty, shortcut.utf8.count <= 40,
              shortcut.unicodeScalars.allSatisfy({ ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "-" || $0 == "_" }) else {
            return "the shortcut must have 1 to 40 of a-z, 0-9, - and _"
        }
        if title.trimmingCharacters(in: .whitespaces).isEmpty || title.count > 120 { return "the title must have 1 to 120 characters" }
        if body.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty || body.count > 5000 { return "the body must have 1 to 5,000 characters" }
        return nil
    }
}
