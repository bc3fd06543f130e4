import Foundation
import Logging
import PostgresNIO

/// Platform operators: a realm apart from tenant users, stored in tables only the platform role can read. Sign-in
/// always needs password and TOTP together; five failures lock the account for the lock period (a soft lock).
public struct PlatformOperators: Sendable {
    /// The platform-role database.
    public let platform: Database
    /// Password hashing.
    public let hasher: PasswordHasher
    /// The key sealing operators' TOTP secrets (derived from the master key).
    let sealingKey: [UInt8]
    /// Session lifetimes.
    public let idleSeconds: Int
    public let absoluteSeconds: Int
    /// Lock length after repeated failures.
    public let lockSeconds: Int
    static let maximumFailures = 5

    /// An operator as listed.
    public struct Operator: Sendable, Equatable {
        public let id: UUID
        public let email: String
        public let displayName: String
    }

    /// Creates the store.
    public init(platform: Database, hasher: PasswordHasher, masterKey: MasterKey, config: IdentityConfig) {
        self.platform = platform
        self.hasher = hasher
        self.sealingKey = masterKey.derive(context: "glvoptot")
        self.idleSeconds = config.sessionIdleSeconds
        self.absoluteSeconds = config.sessionAbsoluteSeconds
        self.lockSeconds = config.loginLockSeconds
    }

    /// Creates an operator with a new TOTP secret; returns the operator and the `otpauth://` URI to enrol.
    public func create(email rawEmail: String, name: String, password: String) async throws -> (Operator, TOTP, String) {
        guard let email = User.normaliseEmail(rawEmail) else { throw IdentityError.invalid("'\(rawEmail)' is not an email address") }
        do { try hasher.policy.check(password) } catch { throw IdentityError.invalid(error.description) }
        let hash = try await hasher.hash(password)
        let id = UUID()
        let totp = TOTP(secret: TOTP.generateSecret())
        let nonce = SecureRandom.bytes(AEAD.nonceLength)
        let sealed = nonce + AEAD.seal(totp.secret, key: sealingKey, nonce: nonce, additionalData: Self.context(id))
        let rows = try await platform.withTransaction { connection in
            try await connection.checkedQuery("""
                INSERT INTO platform_operators (id, email, display_name, password_hash, totp_sealed)
                VALUES (\(id), \(email), \(name), \(hash), \(PostgresByteArray(sealed)))
                ON CONFLICT (email) DO NOTHING
                RETURNING id
                """, logger: platform.logger).collect()
        }
        guard !rows.isEmpty else { throw IdentityError.conflict("an operator with this email address already exists") }
        return (Operator(id: id, email: email, displayName: name), totp, totp.provisioningURI(account: email, issuer: "Glavito platform"))
    }

    /// Signs an operator in with password and TOTP code; returns a session token. Failures count towards a soft lock.
    public func signIn(email rawEmail: String, password: String, code: String, now: Date = Date()) async throws -> String {
        let email = User.normaliseEmail(rawEmail) ?? rawEmail.lowercased()
        let logger = platform.logger
        let found = try await platform.withTransaction { connection -> (UUID, String, [UInt8], Int?)? in
            let rows = try await connection.checkedQuery("""
                SELECT id, password_hash, totp_sealed, ceil(extract(epoch FROM locked_until - now()))::integer
                FROM platform_operators
                WHERE email = \(email) AND disabled_at IS NULL
                """, logger: logger)
            for try await (id, hash, sealed, locked) in rows.decode((UUID, String, PostgresByteArray, Int?).self) { return (id, hash, sealed.bytes, locked) }
            return nil
        }
        if let locked = found?.3, locked > 0 { throw IdentityError.throttled(retryAfter: locked) }
        let passwordOK = try await hasher.verify(password, against: found?.1 ?? Self.decoy)
        guard let (id, _, sealed, _) = found, passwordOK,
              let secret = try? AEAD.open(Array(sealed[AEAD.nonceLength...]), key: sealingKey, nonce: Array(sealed.prefix(AEAD.nonceLength)), additionalData: Self.context(id)),
              let step = TOTP(secret: secret).matchingStep(for: code, at: Int64(now.timeIntervalSince1970)) else {
            if let id = found?.0 { try await recordFailure(id) }
            throw IdentityError.invalidCredentials
        }
        let token = SecureRandom.token()
        let accepted = try await platform.withTransaction { connection in
            let rows = try await connection.checkedQuery("""
                UPDATE platform_operators
                SET totp_last_step = \(step), failures = 0, locked_until = NULL
                WHERE id = \(id) AND (totp_last_step IS NULL OR totp_last_step < \(step))
                RETURNING id
                """, logger: logger).collect()
            guard !rows.isEmpty else { return false }
            try await connection.checkedQuery("""
                INSERT INTO platform_sessions (token_hash, operator_id, csrf_token, idle_expires_at, absolute_expires_at)
                VALUES (\(PostgresByteArray(Hashing.sha256(token))), \(id), \(SecureRandom.token()),
                        now() + make_interval(secs => \(Double(idleSeconds))), now() + make_interval(secs => \(Double(absoluteSeconds))))
                """, logger: logger)
            return true
        }
        guard accepted else {
            try await recordFailure(id)
            throw IdentityError.invalidCredentials
        }
        return token
    }

    /// The operator and CSRF token behind a session token, extending its idle expiry.
    public func authenticate(token: String) async throws -> (Operator, csrf: String)? {
        try await platform.withTransaction { connection in
            let rows = try await connection.checkedQuery("""
                WITH touched AS (
                    UPDATE platform_sessions
                    SET idle_expires_at = least(now() + make_interval(secs => \(Double(idleSeconds))), absolute_expires_at)
                    WHERE token_hash = \(PostgresByteArray(Hashing.sha256(token))) AND revoked_at IS NULL
                      AND idle_expires_at > now() AND absolute_expires_at > now()
                    RETURNING operator_id, csrf_token
                )
                SELECT o.id, o.email, o.display_name, t.csrf_token
                FROM touched t
                JOIN platform_operators o ON o.id = t.operator_id
                WHERE o.disabled_at IS NULL
                """, logger: platform.logger)
            for try await (id, email, name, csrf) in rows.decode((UUID, String, String, String).self) {
                return (Operator(id: id, email: email, displayName: name), csrf)
            }
            return nil
        }
    }

    /// Ends a session.
    public func signOut(token: String) async throws {
        try await platform.withTransaction { connection in
            try await connection.checkedQuery("""
                UPDATE platform_sessions
                SET revoked_at = now()
                WHERE token_hash = \(PostgresByteArray(Hashing.sha256(token)))
                """, logger: platform.logger)
        }
    }

    private func recordFailure(_ id: UUID) async throws {
        try await platform.withTransaction { connection in
            try await connection.checkedQuery("""
                UPDATE platform_operators
                SET failures = failures + 1,
                    locked_until = CASE WHEN failures + 1 >= \(Self.maximumFailures) THEN now() + make_interval(secs => \(Double(lockSeconds))) ELSE locked_until END
                WHERE id = \(id)
                """, logger: platform.logger)
        }
    }

    static func context(_ id: UUID) -> [UInt8] { Array("glavito/platform-operator-totp/\(id.uuidString.lowercased())".utf8) }

    /// A fixed Argon2id hash of a random password, so unknown operators take as long as known ones.
    static let decoy = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0c2FsdA$0eJFWNbgvk1V6yMcHW3YS3ZKjC2FvGgl7NIxoOqGvBQ"
}
