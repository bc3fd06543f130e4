import Foundation
import Logging
import PostgresNIO

/// Identity and access for the control plane and the CLI: sign-in with throttling and MFA, sessions, password
/// changes and user administration. Each operation commits its change and its audit entry in one transaction.
public struct IdentityService: Sendable {
    /// The application-role database.
    public let database: Database
    /// Password hashing.
    public let hasher: PasswordHasher
    /// Tenant data keys.
    public let keyRing: TenantKeyRing
    /// The audit log writer.
    public let audit: AuditLog
    /// Login throttling.
    public let throttle: LoginThrottle
    /// Configuration.
    public let config: IdentityConfig
    /// Sessions.
    public let sessions = SessionStore()
    /// Compared against when the account does not exist, so unknown and known users take the same time.
    let decoyHash: String

    /// Builds the service from configuration; throws when no master key is configured.
    public init(database: Database, config: IdentityConfig) throws {
        self.database = database
        self.config = config
        self.hasher = PasswordHasher(parameters: config.argon2, policy: PasswordPolicy(minimumLength: config.passwordMinimumLength),
                                     maximumConcurrentHashes: config.argon2Concurrency)
        let masterKey = try config.requireMasterKey()
        self.keyRing = TenantKeyRing(masterKey: masterKey, previousKeys: config.previousMasterKeys)
        self.audit = AuditLog(signer: try config.auditSigner(), checkpointEvery: config.auditCheckpointEvery)
        self.throttle = LoginThrottle(maximumFailures: config.loginMaximumFailures, lockSeconds: config.loginLockSeconds)
        self.decoyHash = try hasher.hashBlocking(SecureRandom.token())
    }

    /// The outcome of a correct password.
    public struct SignIn: Sendable {
        /// The session token for the cookie.
        public var token: String
        /// The session.
        public var session: SessionID
        /// What must happen before the session is fully active.
        public var stage: Session.Stage
        /// The user.
        public var user: UserID
    }

    /// Checks email and password; on success opens a session (pending MFA when the user has or needs a factor).
    /// Unknown and known accounts fail the same way in similar time; failures count towards a soft lock.
    public func signIn(tenant: TenantID, email rawEmail: String, password: String, policy: SessionPolicy,
                       clientAddress: String?, userAgent: String?) async throws -> SignIn {
        let logger = database.logger
        let email = User.normaliseEmail(rawEmail) ?? rawEmail.lowercased()
        let subjects = LoginThrottle.subjects(email: email, clientAddress: clientAddress)
        let users = UserRepository(tenant: tenant)
        let lookup = try await database.withTenantTransaction(tenant) { connection in
            if let seconds = try await throttle.lockedFor(tenant: tenant, subjects: subjects, on: connection, logger: logger) {
                throw IdentityError.throttled(retryAfter: seconds)
            }
            return try await users.credentials(email: email, on: connection, logger: logger)
        }
        var passwordOK = false
        if password.count <= hasher.policy.maximumLength {
            passwordOK = try await hasher.verify(password, against: lookup?.hash ?? decoyHash)
        }
        guard let lookup, lookup.hash != nil, passwordOK else {
            try await database.withTenantTransaction(tenant) { connection in
                try await throttle.recordFailure(tenant: tenant, subjects: subjects, on: connection, logger: logger)
                try await audit.append(AuditEvent(actorKind: lookup == nil ? .anonymous : .user, actorID: lookup?.id.description,
                                                  action: "login.failed", target: lookup.map { "user:\($0.id)" }, clientAddress: clientAddress,
                                                  details: ["reason": lookup == nil ? "unknown_account" : "wrong_password"]),
                                       tenant: tenant, on: connection, logger: logger)
            }
            throw IdentityError.invalidCredentials
        }
        let rehash = hasher.needsRehash(lookup.hash ?? "") ? try await hasher.hash(password) : nil
        let stage: Session.Stage = lookup.mfaEnrolled ? .mfaPending : (lookup.mfaRequired ? .mfaEnrolment : .active)
        return try await database.withTenantTransaction(tenant) { connection in
            try await throttle.recordSuccess(tenant: tenant, email: email, on: connection, logger: logger)
            if let rehash { try await users.setPasswordHash(lookup.id, hash: rehash, on: connection, logger: logger) }
            let created = try await sessions.create(tenant: tenant, user: lookup.id, stage: stage, policy: policy,
                                                    clientAddress: clientAddress, userAgent: userAgent, on: connection, logger: logger)
            try await audit.append(AuditEvent(actorKind: .user, actorID: lookup.id.description,
                                              action: stage == .active ? "login.succeeded" : "login.password_accepted",
                                              target: "session:\(created.id)", clientAddress: clientAddress,
                                              details: ["stage": stage.rawValue, "rehashed": rehash == nil ? "false" : "true"]),
                                   tenant: tenant, on: connection, logger: logger)
            return SignIn(token: created.token, session: created.id, stage: stage, user: lookup.id)
        }
    }

    /// Verifies the second factor of a pending session; on success rotates the token and activates the session.
    /// Wrong codes count towards the account's soft lock.
    public func completeSecondFactor(principal: Principal, code: String, clientAddress: String?) async throws -> String {
        guard case .session(let sessionID, _, .mfaPending) = principal.credential, let user = principal.userID else {
            throw IdentityError.invalid("this session is not waiting for a second factor")
        }
        let logger = database.logger
        let tenant = principal.tenant
        let subjects = LoginThrottle.subjects(email: principal.email ?? "", clientAddress: clientAddress)
        let mfa = MFAService(tenant: tenant, keyRing: keyRing)
        let token: String? = try await database.withTenantTransaction(tenant) { connection in
            if let seconds = try await throttle.lockedFor(tenant: tenant, subjects: subjects, on: connection, logger: logger) {
                throw IdentityError.throttled(retryAfter: seconds)
            }
            guard try await mfa.verify(user: user, code: code, on: connection, logger: logger) else { return nil }
            let token = try await sessions.promote(tenant: tenant, session: sessionID, on: connection, logger: logger)
            try await audit.append(AuditEvent(actorKind: .user, actorID: user.description, action: "login.succeeded",
                                              target: "session:\(sessionID)", clientAddress: clientAddress, details: ["mfa": "true"]),
                                   tenant: tenant, on: connection, logger: logger)
            return token
        }
        if let token { return token }
        try await database.withTenantTransaction(tenant) { connection in
            try await throttle.recordFailure(tenant: tenant, subjects: subjects, on: connection, logger: logger)
            try await audit.append(AuditEvent(actorKind: .user, actorID: user.description, action: "login.mfa_failed",
                                              target: "session:\(sessionID)", clientAddress: clientAddress), tenant: tenant, on: connection, logger: logger)
        }
        throw IdentityError.invalid("That code is not correct, or it was already used.")
    }

    /// Runs `body` in a transaction bound to `tenant` and appends `event` in the same transaction.
    public func audited<Result: Sendable>(
        _ tenant: TenantID, _ event: AuditEvent,
        _ body: (PostgresConnection, Logger) async throws -> Result
    ) async throws -> Result {
        let logger = database.logger
        return try await database.withTenantTransaction(tenant) { connection in
            let result = try await body(connection, logger)
            try await audit.append(event, tenant: tenant, on: connection, logger: logger)
            return result
        }
    }

    /// Checks and hashes a new password.
    public func hashNewPassword(_ password: String) async throws -> String {
        do {
            try hasher.policy.check(password)
        } catch {
            throw IdentityError.invalid(error.description)
        }
        return try await hasher.hash(password)
    }

    /// Changes the principal's password after checking the current one; ends the user's other sessions.
    public func changePassword(principal: Principal, current: String, new: String, clientAddress: String?) async throws {
        guard let user = principal.userID, let email = principal.email, case .session(let sessionID, _, _) = principal.credential else {
            throw IdentityError.invalid("only a signed-in user can change their password")
        }
        let stored = try await database.withTenantTransaction(principal.tenant) { connection in
            try await UserRepository(tenant: principal.tenant).credentials(email: email, on: connection, logger: database.logger)
        }
        guard let hash = stored?.hash, try await hasher.verify(current, against: hash) else {
            throw IdentityError.invalid("The current password is not correct.")
        }
        let newHash = try await hashNewPassword(new)
        try await audited(principal.tenant, AuditEvent(actorKind: .user, actorID: user.description, action: "password.changed",
                                                       target: "user:\(user)", clientAddress: clientAddress)) { connection, logger in
            try await UserRepository(tenant: principal.tenant).setPasswordHash(user, hash: newHash, on: connection, logger: logger)
            try await sessions.revokeAll(tenant: principal.tenant, user: user, keeping: sessionID, on: connection, logger: logger)
        }
    }
}
