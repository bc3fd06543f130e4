/// A user listed in a tenant file: created when missing (with a generated password), its role kept in line.
public struct TenantUserDefinition: Sendable, Equatable {
    /// Email address (normalised).
    public var email: String
    /// Display name.
    public var name: String
    /// Role key.
    public var role: String
    /// Team keys.
    public var teams: [String]

    /// Creates a definition.
    public init(email: String, name: String, role: String, teams: [String] = []) {
        self.email = email
        self.name = name
        self.role = role
        self.teams = teams
    }
}

/// A team listed in a tenant file (`teams:`): created when missing, its name and description kept in line.
public struct TenantTeamDefinition: Sendable, Equatable {
    /// The key users and tickets refer to.
    public var key: String
    /// Display name (the key when not given).
    public var name: String
    public var description: String

    /// Creates a definition.
    public init(key: String, name: String, description: String = "") {
        self.key = key
        self.name = name
        self.description = description
    }
}

/// A custom role listed in a tenant file.
public struct TenantRoleDefinition: Sendable, Equatable {
    /// Role key.
    public var key: String
    /// Display name.
    public var name: String
    /// Permission names (validated against the catalogue).
    public var permissions: [String]
    /// Data scope: all, teams or own.
    public var scope: String
    /// Whether members must use MFA.
    public var mfaRequired: Bool

    /// Creates a definition.
    public init(key: String, name: String, permissions: [String], scope: String, mfaRequired: Bool) {
        self.key = key
        self.name = name
        self.permissions = permissions
        self.scope = scope
        self.mfaRequired = mfaRequired
    }
}
