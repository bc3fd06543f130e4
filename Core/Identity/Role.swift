/// A role: built-in (owner, admin, supervisor, agent, viewer) or custom, with its permissions, data scope and
/// whether its members must use a second factor.
public struct Role: Sendable, Equatable, Codable {
    /// The role's key, unique within the tenant (`owner`, `billing-clerk`).
    public var key: String
    /// Display name.
    public var name: String
    /// Whether it is one of the five built-in roles (whose permissions come from code).
    public var builtIn: Bool
    /// What members may do.
    public var permissions: Set<Permission>
    /// Which records members see.
    public var dataScope: DataScope
    /// Tenant policy: members must enrol and use MFA at login.
    public var mfaRequired: Bool

    /// Creates a role.
    public init(key: String, name: String, builtIn: Bool = false, permissions: Set<Permission>, dataScope: DataScope, mfaRequired: Bool = false) {
        self.key = key
        self.name = name
        self.builtIn = builtIn
        self.permissions = permissions
        self.dataScope = dataScope
        self.mfaRequired = mfaRequired
    }

    /// The permissions of a built-in role, or `nil` for a custom key.
    public static func builtInPermissions(_ key: String) -> Set<Permission>? {
        switch key {
        case "owner":
            Set(Permission.allCases)
        case "admin":
            Set(Permission.allCases).subtracting([.billingManage])
        case "supervisor":
            [.ticketsRead, .ticketsReply, .ticketsAssign, .contactsRead, .analyticsView]
        case "agent":
            [.ticketsRead, .ticketsReply, .contactsRead]
        case "viewer":
            [.ticketsRead, .contactsRead, .analyticsView]
        default:
            nil
        }
    }

    /// Whether `key` is a valid role key: a lower-case letter, then letters, digits, `_` or `-`, 40 at most.
    public static func isValidKey(_ key: String) -> Bool {
        guard let first = key.unicodeScalars.first, ("a"..."z").contains(first), key.utf8.count <= 40 else { return false }
        return key.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" || $0 == "-" }
    }
}
