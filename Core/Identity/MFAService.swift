import Foundation
import Logging
import PostgresNIO

/// TOTP second factors: enrolment, verification with replay protection, recovery codes and reset.
/// Secrets are sealed with the tenant's data key, bound to `mfa_factors.secret_sealed` of their row.
public struct MFAService: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys.
    public let keyRing: TenantKeyRing
    /// Steps accepted either side of the current one.
    public static let window: Int64 = 1
    /// Recovery codes issued at enrolment.
    public static let recoveryCodeCount = 10

    /// Creates the service for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    /// An enrolment in progress: the secret to show as a QR code and the factor row awaiting confirmation.
    public struct Enrolment: Sendable {
        /// The factor id.
        public let factorID: UUID
        /// The secret.
        public let totp: TOTP
        /// The `otpauth://` URI.
        public let uri: String
    }

    /// Starts (or restarts) TOTP enrolment; an earlier unconfirmed factor is discarded.
    public func beginEnrolment(user: UserID, account: String, issuer: String, on connection: PostgresConnection, logger: Logger) async throws -> Enrolment {
        try await connection.checkedQuery("""
            DELETE FROM mfa_factors
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue) AND confirmed_at IS NULL
            """, logger: logger)
        let id = UUID()
        let totp = TOTP(secret: TOTP.generateSecret())
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let sealed = cipher.seal(totp.secret, context: context(id))
        try await connection.checkedQuery("""
            INSERT INTO mfa_factors (tenant_id, id, user_id, kind, secret_sealed)
            VALUES (\(tenant.rawValue), \(id), \(user.rawValue), 'totp', \(PostgresByteArray(sealed)))
            """, logger: logger)
        return Enrolment(factorID: id, totp: totp, uri: totp.provisioningURI(account: account, issuer: issuer))
    }

    /// Confirms the pending factor with a code from the app; replaces any earlier factor; returns fresh recovery codes.
    public func confirmEnrolment(user: UserID, code: String, now: Date = Date(), on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        let rows = try await connection.checkedQuery("""
            SELECT id, secret_sealed
            FROM mfa_factors
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue) AND confirmed_at IS NULL
            ORDER BY created_at DESC
            LIMIT 1
            """, logger: logger)
        var pending: (UUID, [UInt8])?
        for try await (id, sealed) in rows.decode((UUID, PostgresByteArray).self) { pending = (id, sealed.bytes) }
        guard let (factorID, sealed) = pending else { throw IdentityError.notFound("start the enrolment again: no pending authenticator") }
        let totp = try await totp(factorID, sealed: sealed, on: connection, logger: logger)
        guard let step = totp.matchingStep(for: code, at: Int64(now.timeIntervalSince1970), window: Self.window) else {
            throw IdentityError.invalid("That code is not correct. Check the time on your phone and try the current code.")
        }
        try await connection.checkedQuery("""
            DELETE FROM mfa_factors
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue) AND id <> \(factorID)
            """, logger: logger)
        try await connection.checkedQuery("""
            UPDATE mfa_factors
            SET confirmed_at = now(), last_used_step = \(step)
            WHERE tenant_id = \(tenant.rawValue) AND id = \(factorID)
            """, logger: logger)
        return try await issueRecoveryCodes(user: user, on: connection, logger: logger)
    }

    /// Replaces the user's recovery codes with ten new ones, returned once; stored as keyed BLAKE2b hashes.
    public func issueRecoveryCodes(user: UserID, on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        try await connection.checkedQuery("""
            DELETE FROM mfa_recovery_codes
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue)
            """, logger: logger)
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        var codes: [String] = []
        for _ in 0..<Self.recoveryCodeCount {
            let raw = Base32.encode(SecureRandom.bytes(10)).lowercased()
            let code = "\(raw.prefix(8))-\(raw.dropFirst(8))"
            codes.append(code)
            try await connection.checkedQuery("""
                INSERT INTO mfa_recovery_codes (tenant_id, user_id, code_hash)
                VALUES (\(tenant.rawValue), \(user.rawValue), \(PostgresByteArray(recoveryHash(code, cipher: cipher))))
                """, logger: logger)
        }
        return codes
    }

    /// Verifies a TOTP code (each step accepted once) or an unused recovery code (consumed).
    public func verify(user: UserID, code: String, now: Date = Date(), on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let trimmed = code.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.count == 6, trimmed.allSatisfy(\.isNumber) {
            return try await verifyTOTP(user: user, code: trimmed, now: now, on: connection, logger: logger)
        }
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let rows = try await connection.checkedQuery("""
            UPDATE mfa_recovery_codes
            SET used_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue)
              AND code_hash = \(PostgresByteArray(recoveryHash(trimmed.lowercased(), cipher: cipher))) AND used_at IS NULL
            RETURNING user_id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    private func verifyTOTP(user: UserID, code: String, now: Date, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            SELECT id, secret_sealed
            FROM mfa_factors
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue) AND kind = 'totp' AND confirmed_at IS NOT NULL
            """, logger: logger)
        var factors: [(UUID, [UInt8])] = []
        for try await (id, sealed) in rows.decode((UUID, PostgresByteArray).self) { factors.append((id, sealed.bytes)) }
        for (id, sealed) in factors {
            let totp = try await totp(id, sealed: sealed, on: connection, logger: logger)
            guard let step = totp.matchingStep(for: code, at: Int64(now.timeIntervalSince1970), window: Self.window) else { continue }
            // A step is accepted once: the update succeeds only for a step later than the last one used.
            let accepted = try await connection.checkedQuery("""
                UPDATE mfa_factors
                SET last_used_step = \(step)
                WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
                  AND (last_used_step IS NULL OR last_used_step < \(step))
                RETURNING id
                """, logger: logger)
            for try await _ in accepted.decode(UUID.self) { return true }
        }
        return false
    }

    /// Removes every factor and recovery code of the user (admin reset).
    public func reset(user: UserID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("""
            DELETE FROM mfa_factors
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue)
            """, logger: logger)
        try await connection.checkedQuery("""
            DELETE FROM mfa_recovery_codes
            WHERE tenant_id = \(tenant.rawValue) AND user_id = \(user.rawValue)
            """, logger: logger)
    }

    private func totp(_ factorID: UUID, sealed: [UInt8], on connection: PostgresConnection, logger: Logger) async throws -> TOTP {
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        return TOTP(secret: try cipher.open(sealed, context: context(factorID)))
    }

    private func context(_ factorID: UUID) -> FieldContext {
        FieldContext(tenant: tenant, table: "mfa_factors", column: "secret_sealed", row: factorID.uuidString.lowercased())
    }

    private func recoveryHash(_ code: String, cipher: FieldCipher) -> [UInt8] {
        Hashing.bytes(hex: cipher.blindIndex(code, purpose: "mfa_recovery_codes.code_hash")) ?? []
    }
}
