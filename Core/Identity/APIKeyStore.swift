import Foundation
import Logging
import PostgresNIO

/// Per-tenant API keys: `glv_<prefix>_<secret>`, shown once; stored as the SHA-256 of the whole key with the
/// prefix as lookup handle; scoped, expiring, revocable.
public struct APIKeyStore: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// A key as listed (never with its secret).
    public struct APIKey: Sendable, Equatable, Codable {
        public var id: UUID
        public var name: String
        public var prefix: String
        public var scopes: [String]
        public var createdAt: Date
        public var expiresAt: Date?
        public var lastUsedAt: Date?
        public var revokedAt: Date?
    }

    /// Creates a store for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Creates a key; returns the full key text (shown once) and its id.
    public func create(name: String, scopes: Set<Permission>, expiresAt: Date?, createdBy: UserID?,
                       on connection: PostgresConnection, logger: Logger) async throws -> (key: String, id: UUID) {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty, name.count <= 100 else { throw IdentityError.invalid("a key name of 1 to 100 characters is required") }
        guard !scopes.isEmpty else { throw IdentityError.invalid("choose at least one scope") }
        if let expiresAt, expiresAt <= Date() { throw IdentityError.invalid("the expiry must be in the future") }
        let prefix = Base32.encode(SecureRandom.bytes(5)).lowercased()
        let key = "glv_\(prefix)_\(SecureRandom.token())"
        let rows = try await connection.checkedQuery("""
            INSERT INTO api_keys (tenant_id, name, prefix, secret_hash, scopes, created_by, expires_at)
            VALUES (\(tenant.rawValue), \(name), \(prefix), \(PostgresByteArray(Hashing.sha256(key))),
                    \(scopes.sorted().map(\.rawValue)), \(createdBy?.rawValue), \(expiresAt))
            RETURNING id
            """, logger: logger)
        for try await id in rows.decode(UUID.self) { return (key, id) }
        throw IdentityError.conflict("the key could not be stored; try again")
    }

    /// The principal of a live key, stamping its last use; `nil` for an unknown, wrong, revoked or expired key.
    public func authenticate(_ key: String, on connection: PostgresConnection, logger: Logger) async throws -> Principal? {
        let parts = key.split(separator: "_", maxSplits: 2)
        guard parts.count == 3, parts[0] == "glv", key.utf8.count <= 128 else { return nil }
        let rows = try await connection.checkedQuery("""
            UPDATE api_keys
            SET last_used_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND prefix = \(String(parts[1]))
              AND secret_hash = \(PostgresByteArray(Hashing.sha256(key)))
              AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
            RETURNING id, name, scopes, created_by
            """, logger: logger)
        for try await (id, name, scopes, creator) in rows.decode((UUID, String, [String], UUID?).self) {
            return Principal(
                tenant: tenant, userID: creator.map(UserID.init), email: nil, displayName: "API key \(name)", roleKey: "api-key",
                permissions: Set(scopes.compactMap(Permission.init(rawValue:))), dataScope: .all, teams: [],
                credential: .apiKey(id: id.uuidString.lowercased())
            )
        }
        return nil
    }

    /// Every key, newest first.
    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [APIKey] {
        let rows = try await connection.checkedQuery("""
            SELECT id, name, prefix, scopes, created_at, expires_at, last_used_at, revoked_at
            FROM api_keys
            WHERE tenant_id = \(tenant.rawValue)
            ORDER BY created_at DESC
            """, logger: logger)
        var keys: [APIKey] = []
        for try await (id, name, prefix, scopes, created, expires, used, revoked) in rows.decode((UUID, String, String, [String], Date, Date?, Date?, Date?).self) {
            keys.append(APIKey(id: id, name: name, prefix: prefix, scopes: scopes, createdAt: created, expiresAt: expires, lastUsedAt: used, revokedAt: revoked))
        }
        return keys
    }

    /// Revokes a key; returns whether a live key was revoked.
    @discardableResult
    public func revoke(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            UPDATE api_keys
            SET revoked_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(id) AND revoked_at IS NULL
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }
}
