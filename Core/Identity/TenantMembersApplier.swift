import Foundation
import Logging
import PostgresNIO

/// Applies the `teams:`, `roles:` and `users:` of tenant files: teams and custom roles are created or updated;
/// missing users are created with a generated password (returned once, for the operator) in their listed teams,
/// existing users get the listed role (their teams are left as admins set them).
/// Passwords are hashed first (``prepare(_:)``); ``apply(_:tenantIDs:on:)`` then writes inside the caller's
/// transaction (the one applying the tenants), with an audit entry per change.
public struct TenantMembersApplier: Sendable {
    /// A user created by this run, with the only copy of its password.
    public struct CreatedLogin: Sendable, Equatable {
        public let tenantSlug: String
        public let email: String
        public let role: String
        public let password: String
    }

    /// Generated passwords and their hashes for users that do not exist yet, by tenant slug and email.
    public struct Prepared: Sendable {
        let definitions: [TenantDefinition]
        let passwords: [String: [String: (password: String, hash: String)]]
    }

    let identity: IdentityService
    let generatePassword: @Sendable () -> String

    /// Creates an applier hashing with `identity`'s hasher.
    public init(identity: IdentityService, generatePassword: @escaping @Sendable () -> String) {
        self.identity = identity
        self.generatePassword = generatePassword
    }

    /// Generates and hashes passwords for the listed users that do not exist yet (in tenants that exist already).
    public func prepare(_ definitions: [TenantDefinition]) async throws -> Prepared {
        let withMembers = definitions.filter { !($0.users.isEmpty && $0.roles.isEmpty && $0.teams.isEmpty) }
        let existingTenants = Dictionary(try await TenantDirectory(platform: identity.database).list().map { ($0.slug, $0.id) },
                                         uniquingKeysWith: { first, _ in first })
        var passwords: [String: [String: (password: String, hash: String)]] = [:]
        for definition in withMembers {
            var existing: Set<String> = []
            if let tenant = existingTenants[definition.slug] {
                existing = Set(try await identity.database.withTenantTransaction(tenant) { connection in
                    try await UserRepository(tenant: tenant).list(on: connection, logger: identity.database.logger).map(\.email)
                })
            }
            for user in definition.users where !existing.contains(user.email) {
                let password = generatePassword()
                passwords[definition.slug, default: [:]][user.email] = (password, try await identity.hasher.hash(password))
            }
        }
        return Prepared(definitions: withMembers, passwords: passwords)
    }

    /// Writes roles and users on `connection` (a transaction of the platform role); returns the created logins.
    public func apply(_ prepared: Prepared, tenantIDs: [String: TenantID], on connection: PostgresConnection) async throws -> [CreatedLogin] {
        let logger = identity.database.logger
        var created: [CreatedLogin] = []
        for definition in prepared.definitions {
            guard let tenant = tenantIDs[definition.slug] else { throw IdentityError.notFound("tenant \(definition.slug) does not exist") }
            try await connection.checkedQuery("SELECT glavito_bind_tenant(\(tenant.rawValue))", logger: logger)
            for team in definition.teams {
                try await applyTeam(team, tenant: tenant, on: connection)
            }
            for role in definition.roles {
                let value = Role(key: role.key, name: role.name, permissions: try Permission.parse(role.permissions),
                                 dataScope: DataScope(rawValue: role.scope) ?? .own, mfaRequired: role.mfaRequired)
                try await RoleRepository(tenant: tenant).upsert(value, on: connection, logger: logger)
            }
            let users = UserRepository(tenant: tenant)
            for user in definition.users {
                if let (password, hash) = prepared.passwords[definition.slug]?[user.email] {
                    let made = try await users.create(email: user.email, displayName: user.name, roleKey: user.role, passwordHash: hash,
                                                      teams: user.teams, on: connection, logger: logger)
                    try await audit("user.created", user: made.id, role: user.role, tenant: tenant, on: connection)
                    created.append(CreatedLogin(tenantSlug: definition.slug, email: user.email, role: user.role, password: password))
                } else if let current = try await users.find(email: user.email, on: connection, logger: logger), current.roleKey != user.role {
                    _ = try await users.setRole(current.id, to: user.role, on: connection, logger: logger)
                    try await identity.sessions.revokeAll(tenant: tenant, user: current.id, on: connection, logger: logger)
                    try await audit("role.assigned", user: current.id, role: user.role, tenant: tenant, on: connection)
                }
            }
        }
        return created
    }

    /// Creates the team, or brings its name and description in line; audited when something changed.
    private func applyTeam(_ team: TenantTeamDefinition, tenant: TenantID, on connection: PostgresConnection) async throws {
        let logger = identity.database.logger
        let rows = try await connection.checkedQuery("""
            INSERT INTO teams (tenant_id, key, name, description)
            VALUES (\(tenant.rawValue), \(team.key), \(team.name), \(team.description))
            ON CONFLICT (tenant_id, key) DO UPDATE SET name = EXCLUDED.name, description = EXCLUDED.description, updated_at = now()
            WHERE teams.name IS DISTINCT FROM EXCLUDED.name OR teams.description IS DISTINCT FROM EXCLUDED.description
            RETURNING (xmax = 0)
            """, logger: logger)
        for try await inserted in rows.decode(Bool.self) {
            try await identity.audit.append(AuditEvent(actorKind: .platform, actorID: "tenants apply", action: inserted ? "team.created" : "team.updated",
                                                       target: "team:\(team.key)", details: ["name": team.name]),
                                            tenant: tenant, on: connection, logger: logger)
        }
    }

    private func audit(_ action: String, user: UserID, role: String, tenant: TenantID, on connection: PostgresConnection) async throws {
        try await identity.audit.append(AuditEvent(actorKind: .platform, actorID: "tenants apply", action: action, target: "user:\(user)",
                                                   details: ["role": role]), tenant: tenant, on: connection, logger: identity.database.logger)
    }
}
