import Foundation

/// Configuration of identity and access: password hashing, sessions, login throttling, rate limits and keys.
/// Each key is documented in docs/configuration.md.
public struct IdentityConfig: Sendable {
    /// Argon2id parameters for new hashes (`GLAVITO_ARGON2_MEMORY_KIB`, `GLAVITO_ARGON2_ITERATIONS`, `GLAVITO_ARGON2_PARALLELISM`).
    public var argon2: Argon2Parameters
    /// Password hashes computed at once per process (`GLAVITO_ARGON2_CONCURRENCY`, default `2`).
    public var argon2Concurrency: Int
    /// Minimum password length (`GLAVITO_PASSWORD_MIN_LENGTH`, default `12`).
    public var passwordMinimumLength: Int
    /// Default session idle timeout in seconds (`GLAVITO_SESSION_IDLE_MINUTES`, default 30 minutes).
    public var sessionIdleSeconds: Int
    /// Default session absolute lifetime in seconds (`GLAVITO_SESSION_ABSOLUTE_HOURS`, default 12 hours).
    public var sessionAbsoluteSeconds: Int
    /// Failed logins per account or address within the window before a soft lock (`GLAVITO_LOGIN_MAX_FAILURES`, default `5`).
    public var loginMaximumFailures: Int
    /// Length of a soft lock in seconds (`GLAVITO_LOGIN_LOCK_SECONDS`, default `300`).
    public var loginLockSeconds: Int
    /// API requests per minute per API key or session (`GLAVITO_API_RATE_LIMIT`, default `600`).
    public var apiRequestsPerMinute: Int
    /// The master key wrapping tenant data keys (`GLAVITO_MASTER_KEY`, base64, or `GLAVITO_MASTER_KEY_FILE`).
    public var masterKey: MasterKey?
    /// Earlier master keys, still able to unwrap data keys until `glavito keys rotate` re-wraps them (`GLAVITO_PREVIOUS_MASTER_KEYS`).
    public var previousMasterKeys: [MasterKey]
    /// Seed of the Ed25519 key signing audit checkpoints (`GLAVITO_AUDIT_SIGNING_KEY`, base64; default derived from the master key).
    public var auditSigningSeed: [UInt8]?
    /// Audit entries between signed checkpoints (`GLAVITO_AUDIT_CHECKPOINT_EVERY`, default `100`).
    public var auditCheckpointEvery: Int

    /// Defaults, with no master key.
    public init() {
        argon2 = .owasp
        argon2Concurrency = 2
        passwordMinimumLength = 12
        sessionIdleSeconds = 30 * 60
        sessionAbsoluteSeconds = 12 * 3600
        loginMaximumFailures = 5
        loginLockSeconds = 300
        apiRequestsPerMinute = 600
        masterKey = nil
        previousMasterKeys = []
        auditSigningSeed = nil
        auditCheckpointEvery = 100
    }

    /// The master key, or a configuration error saying how to provide one.
    public func requireMasterKey() throws(ConfigError) -> MasterKey {
        guard let masterKey else {
            throw ConfigError(key: "GLAVITO_MASTER_KEY", problem: "is required (base64 of 32 random bytes), or set GLAVITO_MASTER_KEY_FILE")
        }
        return masterKey
    }

    /// The audit checkpoint signer: from the configured seed, else derived from the master key.
    public func auditSigner() throws(ConfigError) -> Ed25519Signer {
        if let auditSigningSeed { return Ed25519Signer(seed: auditSigningSeed) }
        return Ed25519Signer(seed: try requireMasterKey().derive(context: "glvaudit"))
    }

    static func load(_ reader: EnvironmentReader) throws(ConfigError) -> IdentityConfig {
        var config = IdentityConfig()
        config.argon2 = Argon2Parameters(
            memoryKiB: UInt32(try reader.int("GLAVITO_ARGON2_MEMORY_KIB", default: 19_456, range: 8...4_194_304)),
            iterations: UInt32(try reader.int("GLAVITO_ARGON2_ITERATIONS", default: 2, range: 1...64)),
            parallelism: UInt32(try reader.int("GLAVITO_ARGON2_PARALLELISM", default: 1, range: 1...16))
        )
        guard config.argon2.memoryKiB >= 8 * config.argon2.parallelism else {
            throw ConfigError(key: "GLAVITO_ARGON2_MEMORY_KIB", problem: "must be at least 8 KiB per lane of GLAVITO_ARGON2_PARALLELISM")
        }
        config.argon2Concurrency = try reader.int("GLAVITO_ARGON2_CONCURRENCY", default: 2, range: 1...256)
        config.passwordMinimumLength = try reader.int("GLAVITO_PASSWORD_MIN_LENGTH", default: 12, range: 8...128)
        config.sessionIdleSeconds = try reader.int("GLAVITO_SESSION_IDLE_MINUTES", default: 30, range: 1...10_080) * 60
        config.sessionAbsoluteSeconds = try reader.int("GLAVITO_SESSION_ABSOLUTE_HOURS", default: 12, range: 1...720) * 3600
        config.loginMaximumFailures = try reader.int("GLAVITO_LOGIN_MAX_FAILURES", default: 5, range: 1...1000)
        config.loginLockSeconds = try reader.int("GLAVITO_LOGIN_LOCK_SECONDS", default: 300, range: 1...86_400)
        config.apiRequestsPerMinute = try reader.int("GLAVITO_API_RATE_LIMIT", default: 600, range: 1...1_000_000)
        config.auditCheckpointEvery = try reader.int("GLAVITO_AUDIT_CHECKPOINT_EVERY", default: 100, range: 1...1_000_000)
        config.masterKey = try masterKey(reader)
        config.previousMasterKeys = try reader.list("GLAVITO_PREVIOUS_MASTER_KEYS", default: []).enumerated().map { index, text throws(ConfigError) in
            guard let key = MasterKey(base64: text) else {
                throw ConfigError(key: "GLAVITO_PREVIOUS_MASTER_KEYS", problem: "item \(index + 1) is not base64 of 32 bytes")
            }
            return key
        }
        if let seedText = reader.optional("GLAVITO_AUDIT_SIGNING_KEY") {
            guard let seed = MasterKey(base64: seedText) else {
                throw ConfigError(key: "GLAVITO_AUDIT_SIGNING_KEY", problem: "must be base64 of a 32-byte Ed25519 seed")
            }
            config.auditSigningSeed = seed.bytes
        }
        return config
    }

    private static func masterKey(_ reader: EnvironmentReader) throws(ConfigError) -> MasterKey? {
        if let text = reader.optional("GLAVITO_MASTER_KEY") {
            guard reader.optional("GLAVITO_MASTER_KEY_FILE") == nil else {
                throw ConfigError(key: "GLAVITO_MASTER_KEY_FILE", problem: "must not be set together with GLAVITO_MASTER_KEY")
            }
            guard let key = MasterKey(base64: text) else {
                throw ConfigError(key: "GLAVITO_MASTER_KEY", problem: "must be base64 of exactly 32 bytes (try: head -c 32 /dev/urandom | base64)")
            }
            return key
        }
        guard let path = reader.optional("GLAVITO_MASTER_KEY_FILE") else { return nil }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw ConfigError(key: "GLAVITO_MASTER_KEY_FILE", problem: "cannot read '\(path)'")
        }
        guard let key = MasterKey(base64: text) else {
            throw ConfigError(key: "GLAVITO_MASTER_KEY_FILE", problem: "'\(path)' must hold base64 of exactly 32 bytes")
        }
        return key
    }
}
