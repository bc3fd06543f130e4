import Foundation
import Logging
import PostgresNIO

/// Users of one tenant: create, list, look up, change role, deactivate, set passwords. Every method runs on a
/// connection inside a transaction bound to the tenant, so the caller can commit audit entries with the change.
public struct UserRepository: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates a repository for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Inserts a user; `passwordHash` may be `nil` for an invited user who sets a password through a reset token.
    public func create(
        email: String, displayName: String, roleKey: String, passwordHash: String?, teams: [String] = [],
        status: User.Status = .active, on connection: PostgresConnection, logger: Logger
    ) async throws -> User {
        guard let email = User.normaliseEmail(email) else { throw IdentityError.invalid("'\(email)' is not an email address") }
        let name = displayName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 200 else { throw IdentityError.invalid("a display name of 1 to 200 characters is required") }
        guard try await roleExists(roleKey, on: connection, logger: logger) else { throw IdentityError.invalid("there is no role '\(roleKey)'") }
        if let unknown = try await TeamStore(tenant: tenant).missing(teams, on: connection, logger: logger).first {
            throw IdentityError.invalid("there is no team '\(unknown)' in this workspace")
        }
        let rows = try await connection.checkedQuery("""
            INSERT INTO users (tenant_id, email, display_name, password_hash, role_key, status, teams, password_changed_at)
            VALUES (\(tenant.rawValue), \(email), \(name), \(passwordHash), \(roleKey), \(status.rawValue), \(teams),
                    CASE WHEN \(passwordHash)::text IS NULL THEN NULL ELSE now() END)
            ON CONFLICT (tenant_id, email) DO NOTHING
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) {
            return User(id: UserID(id), email: email, displayName: name, roleKey: roleKey, status: status, teams: teams, mfaEnrolled: false)
        }
        throw IdentityError.conflict("a user with this email address already exists in this workspace")
    }

    /// Every user, by email.
    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [User] {
        try await select(where: "", on: connection, logger: logger)
    }

    /// The user with `id`.
    public func find(_ id: UserID, on connection: PostgresConnection, logger: Logger) async throws -> User? {
        try await select(where: "AND u.id = $2", id: id.rawValue, on: connection, logger: logger).first
    }

    /// The user with `email` (normalised first).
    public func find(email: String, on connection: PostgresConnection, logger: Logger) async throws -> User? {
        guard let email = User.normaliseEmail(email) else { return nil }
        return try await select(where: "AND u.email = $2", email: email, on: connection, logger: logger).first
    }

    private func select(where clause: String, id: UUID? = nil, email: String? = nil, on connection: PostgresConnection, logger: Logger) async throws -> [User] {
        var bindings = PostgresBindings()
        bindings.append(tenant.rawValue)
        if let id { bindings.append(id) }
        if let email { bindings.append(email) }
        // `clause` is one of the compile-time constants above; every value is a bind.
        let query = PostgresQuery(unsafeSQL: """
            SELECT u.id, u.email, u.display_name, u.role_key, u.status, u.teams,
                   EXISTS (SELECT 1 FROM mfa_factors f WHERE f.tenant_id = u.tenant_id AND f.user_id = u.id AND f.confirmed_at IS NOT NULL)
            FROM users u
            WHERE u.tenant_id = $1 \(clause)
            ORDER BY u.email
            """, binds: bindings)
        var users: [User] = []
        for try await (id, email, name, role, status, teams, mfa) in try await connection.checkedQuery(query, logger: logger)
            .decode((UUID, String, String, String, String, [String], Bool).self) {
            users.append(User(id: UserID(id), email: email, displayName: name, roleKey: role,
                              status: User.Status(rawValue: status) ?? .deactivated, teams: teams, mfaEnrolled: mfa))
        }
        return users
    }

    /// Sets a user's role; returns the previous role key.
    public func setRole(_ user: UserID, to roleKey: String, on connection: PostgresConnection, logger: Logger) async throws -> String {
        guard try await roleExists(roleKey, on: connection, logger: logger) else { throw IdentityError.invalid("there is no role '\(roleKey)'") }
        let rows = try await connection.checkedQuery("""
            UPDATE users u
            SET role_key = \(roleKey), updated_at = now()
            FROM users old
            WHERE u.tenant_id = \(tenant.rawValue) AND u.id = \(user.rawValue)
              AND old.tenant_id = u.tenant_id AND old.id = u.id
            RETURNING old.role_key
            """, logger: logger)
        for try await previous in rows.decode(String.self) { return previous }
        throw IdentityError.notFound("no such user")
    }

    /// Sets a user's status.
    public func setStatus(_ user: UserID, to status: User.Status, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.checkedQuery("""
            UPDATE users
            SET status = \(status.rawValue), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(user.rawValue)
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return }
        throw IdentityError.notFound("no such user")
    }

    /// Stores a new password hash (and activates an invited user).
    public func setPasswordHash(_ user: UserID, hash: String, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.checkedQuery("""
            UPDATE users
            SET password_hash = \(hash), password_changed_at = now(), updated_at = now(),
                status = CASE WHEN status = 'invited' THEN 'active' ELSE status END
            WHERE tenant_id = \(tenant.rawValue) AND id = \(user.rawValue)
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return }
        throw IdentityError.notFound("no such user")
    }

    /// The stored password hash of an active user, with the facts login needs.
    public func credentials(email: String, on connection: PostgresConnection, logger: Logger) async throws
        -> (id: UserID, hash: String?, mfaEnrolled: Bool, mfaRequired: Bool)? {
        let rows = try await connection.checkedQuery("""
            SELECT u.id, u.password_hash, r.mfa_required,
                   EXISTS (SELECT 1 FROM mfa_factors f WHERE f.tenant_id = u.tenant_id AND f.user_id = u.id AND f.confirmed_at IS NOT NULL)
            FROM users u
            JOIN roles r ON r.tenant_id = u.tenant_id AND r.key = u.role_key
            WHERE u.tenant_id = \(tenant.rawValue) AND u.email = \(email) AND u.status = 'active'
            """, logger: logger)
        for try await (id, hash, required, enrolled) in rows.decode((UUID, String?, Bool, Bool).self) {
            return (UserID(id), hash, enrolled, required)
        }
        return nil
    }

    private func roleExists(_ key: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            SELECT 1
            FROM roles
            WHERE tenant_id = \(tenant.rawValue) AND key = \(key)
            """, logger: logger)
        for try await _ in rows.decode(Int32.self) { return true }
        return false
    }
}
