import Foundation
import Logging
import PostgresNIO

/// Applies the `roles:` and `users:` of tenant files: custom roles are created or updated; missing users are
/// created with a generated password (returned once, for the operator), existing users get the listed role.
/// Runs as the platform role, one transaction for all tenants, with an audit entry per change.
public struct TenantMembersApplier: Sendable {
    /// A user created by this run, with the only copy of its password.
    public struct CreatedLogin: Sendable, Equatable {
        public let tenantSlug: String
        public let email: String
        public let role: String
        public let password: String
    }

    let identity: IdentityService
    let generatePassword: @Sendable () -> String

    /// Creates an applier hashing with `identity`'s hasher.
    public init(identity: IdentityService, generatePassword: @escaping @Sendable () -> String) {
        self.identity = identity
        self.generatePassword = generatePassword
    }

    /// Applies every definition's members; tenants must already exist.
    public func apply(_ definitions: [TenantDefinition], tenantIDs: [String: TenantID]) async throws -> [CreatedLogin] {
        var prepared: [(TenantDefinition, TenantID, [String: (String, String)])] = []
        let existing = try await existingEmails(definitions, tenantIDs: tenantIDs)
        for definition in definitions where !(definition.users.isEmpty && definition.roles.isEmpty) {
            guard let tenant = tenantIDs[definition.slug] else { throw IdentityError.notFound("tenant \(definition.slug) does not exist") }
            var passwords: [String: (String, String)] = [:]
            for user in definition.users where !(existing[definition.slug]?.contains(user.email) ?? false) {
                let password = generatePassword()
                passwords[user.email] = (password, try await identity.hasher.hash(password))
            }
            prepared.append((definition, tenant, passwords))
        }
        let logger = identity.database.logger
        return try await identity.database.withTransaction { connection in
            var created: [CreatedLogin] = []
            for (definition, tenant, passwords) in prepared {
                try await connection.query("SELECT glavito_bind_tenant(\(tenant.rawValue))", logger: logger)
                for role in definition.roles {
                    let value = Role(key: role.key, name: role.name, permissions: try Permission.parse(role.permissions),
                                     dataScope: DataScope(rawValue: role.scope) ?? .own, mfaRequired: role.mfaRequired)
                    try await RoleRepository(tenant: tenant).upsert(value, on: connection, logger: logger)
                }
                let users = UserRepository(tenant: tenant)
                for user in definition.users {
                    if let (password, hash) = passwords[user.email] {
                        let made = try await users.create(email: user.email, displayName: user.name, roleKey: user.role, passwordHash: hash,
                                                          teams: user.teams, on: connection, logger: logger)
                        try await identity.audit.append(AuditEvent(actorKind: .platform, actorID: "tenants apply", action: "user.created",
                                                                   target: "user:\(made.id)", details: ["role": user.role]),
                                                        tenant: tenant, on: connection, logger: logger)
                        created.append(CreatedLogin(tenantSlug: definition.slug, email: user.email, role: user.role, password: password))
                    } else if let current = try await users.find(email: user.email, on: connection, logger: logger), current.roleKey != user.role {
                        _ = try await users.setRole(current.id, to: user.role, on: connection, logger: logger)
                        try await identity.sessions.revokeAll(tenant: tenant, user: current.id, on: connection, logger: logger)
                        try await identity.audit.append(AuditEvent(actorKind: .platform, actorID: "tenants apply", action: "role.assigned",
                                                                   target: "user:\(current.id)", details: ["role": user.role]),
                                                        tenant: tenant, on: connection, logger: logger)
                    }
                }
            }
            return created
        }
    }

    private func existingEmails(_ definitions: [TenantDefinition], tenantIDs: [String: TenantID]) async throws -> [String: Set<String>] {
        var result: [String: Set<String>] = [:]
        for definition in definitions where !definition.users.isEmpty {
            guard let tenant = tenantIDs[definition.slug] else { continue }
            let users = try await identity.database.withTenantTransaction(tenant) { connection in
                try await UserRepository(tenant: tenant).list(on: connection, logger: identity.database.logger)
            }
            result[definition.slug] = Set(users.map(\.email))
        }
        return result
    }
}
