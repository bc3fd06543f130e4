import Foundation
import Logging
import PostgresNIO

/// Roles of one tenant: the built-in five and custom ones, on a connection bound to the tenant.
public struct RoleRepository: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates a repository for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Every role, built-in first.
    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [Role] {
        let rows = try await connection.checkedQuery("""
            SELECT key, name, built_in, permissions, data_scope, mfa_required
            FROM roles
            WHERE tenant_id = \(tenant.rawValue)
            ORDER BY built_in DESC, key
            """, logger: logger)
        var roles: [Role] = []
        for try await (key, name, builtIn, permissions, scope, mfa) in rows.decode((String, String, Bool, [String], String, Bool).self) {
            let granted = builtIn ? (Role.builtInPermissions(key) ?? []) : Set(permissions.compactMap(Permission.init(rawValue:)))
            roles.append(Role(key: key, name: name, builtIn: builtIn, permissions: granted, dataScope: DataScope(rawValue: scope) ?? .own, mfaRequired: mfa))
        }
        return roles
    }

    /// Creates or replaces a custom role; built-in roles only accept a new MFA policy. Returns whether it was created.
    @discardableResult
    public func upsert(_ role: Role, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        guard Role.isValidKey(role.key) else {
            throw IdentityError.invalid("role key '\(role.key)' must start with a letter and use a-z, 0-9, _ or - (40 at most)")
        }
        let name = role.name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw IdentityError.invalid("a role name of 1 to 100 characters is required") }
        if Role.builtInPermissions(role.key) != nil {
            let rows = try await connection.checkedQuery("""
                UPDATE roles
                SET mfa_required = \(role.mfaRequired), updated_at = now()
                WHERE tenant_id = \(tenant.rawValue) AND key = \(role.key)
                RETURNING key
                """, logger: logger)
            for try await _ in rows.decode(String.self) { return false }
            throw IdentityError.notFound("no such role")
        }
        let permissions = role.permissions.sorted().map(\.rawValue)
        let rows = try await connection.checkedQuery("""
            INSERT INTO roles (tenant_id, key, name, built_in, permissions, data_scope, mfa_required)
            VALUES (\(tenant.rawValue), \(role.key), \(name), false, \(permissions), \(role.dataScope.rawValue), \(role.mfaRequired))
            ON CONFLICT (tenant_id, key) DO UPDATE
            SET name = EXCLUDED.name, permissions = EXCLUDED.permissions, data_scope = EXCLUDED.data_scope,
                mfa_required = EXCLUDED.mfa_required, updated_at = now()
            WHERE NOT roles.built_in
            RETURNING (xmax = 0)
            """, logger: logger)
        for try await created in rows.decode(Bool.self) { return created }
        throw IdentityError.conflict("role '\(role.key)' is built in")
    }
}
