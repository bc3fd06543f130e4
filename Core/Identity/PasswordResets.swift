import Foundation
import Logging
import PostgresNIO

/// Single-use, expiring password reset (and invitation) tokens, stored as SHA-256 hashes.
public struct PasswordResets: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// How long a token stays valid.
    public static let lifetimeSeconds = 72 * 3600

    /// Creates the store for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Issues a token for `user`; earlier unused tokens of the user stop working.
    public func issue(for user: UserID, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let token = SecureRandom.token()
        try await connection.checkedQuery("""
            UPDATE password_reset_tokens
            SET used_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue) AND used_at IS NULL
            """, logger: logger)
        try await connection.checkedQuery("""
            INSERT INTO password_reset_tokens (tenant_id, token_hash, user_id, expires_at)
            VALUES (\(tenant.rawValue), \(PostgresByteArray(Hashing.sha256(token))), \(user.rawValue),
                    now() + make_interval(secs => \(Double(Self.lifetimeSeconds))))
            """, logger: logger)
        return token
    }

    /// Consumes a token, returning its user; `nil` when it is unknown, used or expired.
    public func redeem(_ token: String, on connection: PostgresConnection, logger: Logger) async throws -> UserID? {
        let rows = try await connection.checkedQuery("""
            UPDATE password_reset_tokens
            SET used_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND token_hash = \(PostgresByteArray(Hashing.sha256(token)))
              AND used_at IS NULL AND expires_at > now()
            RETURNING user_id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return UserID(id) }
        return nil
    }
}
