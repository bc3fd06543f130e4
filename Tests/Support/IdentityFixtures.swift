import Foundation
import GlavitoCore
import PostgresNIO

/// Identity services and users for tests: cheap Argon2 parameters (the real ones are tested in the crypto suite),
/// a fresh master key, and helpers to create users.
public enum IdentityFixtures {
    /// A configuration for tests; `lockSeconds` is short so soft locks can be seen to expire.
    public static func config(lockSeconds: Int = 300, maximumFailures: Int = 5, checkpointEvery: Int = 100) -> IdentityConfig {
        var config = IdentityConfig()
        config.argon2 = Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1)
        config.masterKey = MasterKey.generate()
        config.auditSigningSeed = SecureRandom.bytes(32)
        config.loginLockSeconds = lockSeconds
        config.loginMaximumFailures = maximumFailures
        config.auditCheckpointEvery = checkpointEvery
        return config
    }

    /// The default session policy of `config`.
    public static func policy(_ config: IdentityConfig) -> SessionPolicy {
        SessionPolicy(idleSeconds: config.sessionIdleSeconds, absoluteSeconds: config.sessionAbsoluteSeconds)
    }

    /// Creates an active user with `password` and role `role`.
    @discardableResult
    public static func makeUser(
        _ service: IdentityService, tenant: TenantID, email: String, password: String, role: String = "agent", teams: [String] = []
    ) async throws -> User {
        let hash = try await service.hasher.hash(password)
        return try await service.database.withTenantTransaction(tenant) { connection in
            // Users join teams that exist: the ones named here are created first, named like their keys.
            for team in teams {
                try await connection.query("""
                    INSERT INTO teams (tenant_id, key, name) VALUES (\(tenant.rawValue), \(team), \(team))
                    ON CONFLICT (tenant_id, key) DO NOTHING
                    """, logger: service.database.logger)
            }
            return try await UserRepository(tenant: tenant).create(
                email: email, displayName: email.components(separatedBy: "@")[0], roleKey: role, passwordHash: hash, teams: teams,
                on: connection, logger: service.database.logger
            )
        }
    }
}
