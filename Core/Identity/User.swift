import Foundation

/// A user's identifier within a tenant.
public struct UserID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// A person who works in a tenant's support desk.
public struct User: Sendable, Equatable, Codable {
    /// Lifecycle of an account.
    public enum Status: String, Sendable, Codable {
        case active
        case invited
        case deactivated
    }

    /// The id.
    public var id: UserID
    /// Email, normalised to lower case; unique within the tenant.
    public var email: String
    /// Display name.
    public var displayName: String
    /// The key of the user's role.
    public var roleKey: String
    /// Status.
    public var status: Status
    /// Team keys the user belongs to (for the "my teams" data scope).
    public var teams: [String]
    /// Whether a confirmed second factor exists.
    public var mfaEnrolled: Bool

    /// Normalises an email address for storage and lookup: trimmed, lower-cased; `nil` when it is not plausible.
    public static func normaliseEmail(_ text: String) -> String? {
        let email = text.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), !parts[1].hasSuffix("."),
              email.utf8.count <= 254, !email.contains(where: \.isWhitespace) else { return nil }
        return email
    }
}
