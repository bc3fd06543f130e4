import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

@Suite("TOTP second factor")
struct MFATests {
    let password = "violet-harbor-stone-31"

    @Test("enrolment with a pyotp code, sign-in pending MFA, a replayed code refused, recovery codes single-use")
    func enrolAndUse() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "mfa").id
            let config = IdentityFixtures.config()
            let service = try IdentityService(database: dbs.app, config: config)
            let user = try await IdentityFixtures.makeUser(service, tenant: tenant, email: "mo@example.com", password: password)
            let mfa = MFAService(tenant: tenant, keyRing: service.keyRing)
            let logger = dbs.app.logger
            let enrolment = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await mfa.beginEnrolment(user: user.id, account: "mo@example.com", issuer: "Test", on: connection, logger: logger)
            }
            // The secret is stored sealed, not in the clear.
            let stored = try await dbs.app.withTenantTransaction(tenant) { connection in
                var bytes: [UInt8] = []
                for try await sealed in try await connection.query("SELECT secret_sealed FROM mfa_factors WHERE tenant_id = \(tenant.rawValue)", logger: logger)
                    .decode(PostgresByteArray.self) { bytes = sealed.bytes }
                return bytes
            }
            #expect(!stored.isEmpty && Hashing.hex(stored).contains(Hashing.hex(enrolment.totp.secret)) == false)

            let secret = Base32.encode(enrolment.totp.secret)
            let now = Date()
            let enrolCode = try await PythonPeer.run("totp-at", [secret, String(Int(now.timeIntervalSince1970) - 30)]).output
            let codes = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await mfa.confirmEnrolment(user: user.id, code: enrolCode, now: now, on: connection, logger: logger)
            }
            #expect(codes.count == 10 && Set(codes).count == 10)

            let signIn = try await service.signIn(tenant: tenant, email: "mo@example.com", password: password,
                                                  policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            #expect(signIn.stage == .mfaPending)
            let pending = try #require(try await dbs.app.withTenantTransaction(tenant) { connection in
                try await service.sessions.authenticate(tenant: tenant, token: signIn.token, on: connection, logger: logger)
            })
            let current = try await PythonPeer.run("totp-at", [secret, String(Int(Date().timeIntervalSince1970))]).output
            let activeToken = try await service.completeSecondFactor(principal: pending, code: current, clientAddress: nil)
            #expect(activeToken != signIn.token)
            let old = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await service.sessions.authenticate(tenant: tenant, token: signIn.token, on: connection, logger: logger)
            }
            #expect(old == nil, "the pre-MFA token stops working")

            // The same code again is a replay.
            let replay = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await mfa.verify(user: user.id, code: current, on: connection, logger: logger)
            }
            #expect(!replay)
            // The enrolment step (one before now) is also used up.
            let earlier = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await mfa.verify(user: user.id, code: enrolCode, now: now, on: connection, logger: logger)
            }
            #expect(!earlier)

            let recovery = try await dbs.app.withTenantTransaction(tenant) { connection in
                (try await mfa.verify(user: user.id, code: codes[3].uppercased(), on: connection, logger: logger),
                 try await mfa.verify(user: user.id, code: codes[3], on: connection, logger: logger))
            }
            #expect(recovery.0 && !recovery.1)
        }
    }

    @Test("a role requiring MFA sends a user without a factor to enrolment")
    func policyEnforced() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "mfapol").id
            let config = IdentityFixtures.config()
            let service = try IdentityService(database: dbs.app, config: config)
            try await IdentityFixtures.makeUser(service, tenant: tenant, email: "ad@example.com", password: password, role: "admin")
            try await dbs.app.withTenantTransaction(tenant) { connection in
                try await RoleRepository(tenant: tenant).upsert(Role(key: "admin", name: "Administrator", builtIn: true, permissions: [],
                                                                     dataScope: .all, mfaRequired: true), on: connection, logger: dbs.app.logger)
            }
            let signIn = try await service.signIn(tenant: tenant, email: "ad@example.com", password: password,
                                                  policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            #expect(signIn.stage == .mfaEnrolment)
        }
    }
}
