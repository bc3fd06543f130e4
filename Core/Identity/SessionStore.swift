import Foundation
import Logging
import PostgresNIO

/// Sessions: opaque random tokens of which only the SHA-256 is stored, with idle and absolute expiry.
public struct SessionStore: Sendable {
    /// Creates a store.
    public init() {}

    /// A new session for `user`; returns the token to set in the cookie (shown nowhere else) and the session id.
    public func create(
        tenant: TenantID, user: UserID, stage: Session.Stage, policy: SessionPolicy,
        clientAddress: String?, userAgent: String?, on connection: PostgresConnection, logger: Logger
    ) async throws -> (token: String, id: SessionID) {
        let token = SecureRandom.token()
        let rows = try await connection.checkedQuery("""
            INSERT INTO sessions (tenant_id, user_id, token_hash, csrf_token, stage, idle_timeout, idle_expires_at,
                                  absolute_expires_at, client_address, user_agent)
            VALUES (\(tenant.rawValue), \(user.rawValue), \(PostgresByteArray(Hashing.sha256(token))), \(SecureRandom.token()),
                    \(stage.rawValue), make_interval(secs => \(Double(policy.idleSeconds))),
                    now() + make_interval(secs => \(Double(min(policy.idleSeconds, policy.absoluteSeconds)))),
                    now() + make_interval(secs => \(Double(policy.absoluteSeconds))), \(clientAddress), \(userAgent.map { String($0.prefix(256)) }))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return (token, SessionID(id)) }
        throw IdentityError.notFound("the session could not be created")
    }

    /// The principal behind a session token, extending its idle expiry; `nil` when the token is unknown, revoked,
    /// expired, or its user is no longer active. One statement.
    public func authenticate(tenant: TenantID, token: String, on connection: PostgresConnection, logger: Logger) async throws -> Principal? {
        guard !token.isEmpty, token.utf8.count <= 128 else { return nil }
        let rows = try await connection.checkedQuery("""
            WITH touched AS (
                UPDATE sessions
                SET last_seen_at = now(), idle_expires_at = least(now() + idle_timeout, absolute_expires_at)
                WHERE tenant_id = \(tenant.rawValue)
                  AND token_hash = \(PostgresByteArray(Hashing.sha256(token)))
                  AND revoked_at IS NULL
                  AND idle_expires_at > now()
                  AND absolute_expires_at > now()
                RETURNING id, user_id, csrf_token, stage
            )
            SELECT t.id, t.csrf_token, t.stage, u.id, u.email, u.display_name, u.role_key, u.teams, r.permissions, r.data_scope
            FROM touched t
            JOIN users u ON u.tenant_id = \(tenant.rawValue) AND u.id = t.user_id
            JOIN roles r ON r.tenant_id = u.tenant_id AND r.key = u.role_key
            WHERE u.status = 'active'
            """, logger: logger)
        for try await (sessionID, csrf, stage, userID, email, name, roleKey, teams, permissions, scope)
            in rows.decode((UUID, String, String, UUID, String, String, String, [String], [String], String).self) {
            let granted = Role.builtInPermissions(roleKey) ?? Set(permissions.compactMap(Permission.init(rawValue:)))
            return Principal(
                tenant: tenant, userID: UserID(userID), email: email, displayName: name, roleKey: roleKey,
                permissions: granted, dataScope: DataScope(rawValue: scope) ?? .own, teams: Set(teams),
                credential: .session(id: SessionID(sessionID), csrfToken: csrf, stage: Session.Stage(rawValue: stage) ?? .mfaPending)
            )
        }
        return nil
    }

    /// Completes sign-in after the second factor: a new token (the pre-MFA one stops working) and stage `active`.
    public func promote(tenant: TenantID, session: SessionID, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let token = SecureRandom.token()
        let rows = try await connection.checkedQuery("""
            UPDATE sessions
            SET token_hash = \(PostgresByteArray(Hashing.sha256(token))), csrf_token = \(SecureRandom.token()), stage = 'active'
            WHERE tenant_id = \(tenant.rawValue) AND id = \(session.rawValue) AND revoked_at IS NULL
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return token }
        throw IdentityError.notFound("the session has ended; sign in again")
    }

    /// The user's live sessions, newest first.
    public func list(tenant: TenantID, user: UserID, on connection: PostgresConnection, logger: Logger) async throws -> [Session] {
        let rows = try await connection.checkedQuery("""
            SELECT id, stage, created_at, last_seen_at, absolute_expires_at, client_address, user_agent
            FROM sessions
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue)
              AND revoked_at IS NULL AND idle_expires_at > now() AND absolute_expires_at > now()
            ORDER BY created_at DESC
            """, logger: logger)
        var sessions: [Session] = []
        for try await (id, stage, created, seen, expires, address, agent) in rows.decode((UUID, String, Date, Date, Date, String?, String?).self) {
            sessions.append(Session(id: SessionID(id), stage: Session.Stage(rawValue: stage) ?? .active, createdAt: created,
                                    lastSeenAt: seen, absoluteExpiresAt: expires, clientAddress: address, userAgent: agent))
        }
        return sessions
    }

    /// Revokes one of the user's sessions; returns whether it existed.
    @discardableResult
    public func revoke(tenant: TenantID, user: UserID, session: SessionID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            UPDATE sessions
            SET revoked_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue) AND id = \(session.rawValue) AND revoked_at IS NULL
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// Revokes all of the user's live sessions except `keeping`; returns how many ended.
    @discardableResult
    public func revokeAll(tenant: TenantID, user: UserID, keeping: SessionID? = nil, on connection: PostgresConnection, logger: Logger) async throws -> Int {
        let rows = try await connection.checkedQuery("""
            UPDATE sessions
            SET revoked_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue) AND revoked_at IS NULL
              AND idle_expires_at > now() AND absolute_expires_at > now()
              AND id IS DISTINCT FROM \(keeping?.rawValue)
            RETURNING id
            """, logger: logger)
        var count = 0
        for try await _ in rows.decode(UUID.self) { count += 1 }
        return count
    }
}
