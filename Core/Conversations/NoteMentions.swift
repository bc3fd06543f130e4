import Foundation

/// `@handle` mentions in internal notes. A user's handles are the local part of their email address and their
/// display name without spaces, both in lower case (`@aisha`, `@aishaagent` for "Aisha Agent",
/// aisha@northwind.test).
public enum NoteMentions {
    /// The lower-cased handles written in `text` (`@` after a space or at the start, then letters, digits, `.`,
    /// `_` or `-`).
    public static func handles(in text: String) -> Set<String> {
        var out = Set<String>()
        for match in text.matches(of: /(?:^|\s)@([\p{L}\p{N}._-]+)/) {
            out.insert(String(match.output.1).lowercased().trimmingCharacters(in: CharacterSet(charactersIn: ".-_")))
        }
        return out
    }

    /// The active users `text` mentions, once each, in the order of `users`.
    public static func mentioned(in text: String, users: [User]) -> [User] {
        let written = handles(in: text)
        guard !written.isEmpty else { return [] }
        return users.filter { user in
            guard user.status == .active else { return false }
            let local = user.email.split(separator: "@").first.map { $0.lowercased() } ?? ""
            let name = user.displayName.lowercased().filter { !$0.isWhitespace }
            return written.contains(local) || (!name.isEmpty && written.contains(name))
        }
    }
}
