import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Sign-in, sessions and throttling")
struct SignInTests {
    let password = "amber-falcon-river-88"

    func principal(_ service: IdentityService, _ tenant: TenantID, _ token: String) async throws -> Principal? {
        try await service.database.withTenantTransaction(tenant) { connection in
            try await service.sessions.authenticate(tenant: tenant, token: token, on: connection, logger: service.database.logger)
        }
    }

    @Test("a correct password opens a session; each sign-in gets a new token; the wrong password and an unknown account fail alike")
    func signInRotates() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "signin").id
            let config = IdentityFixtures.config()
            let service = try IdentityService(database: dbs.app, config: config)
            try await IdentityFixtures.makeUser(service, tenant: tenant, email: "Ana@Example.com", password: password, role: "admin")
            let first = try await service.signIn(tenant: tenant, email: "ana@example.com", password: password,
                                                 policy: IdentityFixtures.policy(config), clientAddress: "10.0.0.1", userAgent: "test")
            let second = try await service.signIn(tenant: tenant, email: " ANA@example.com ", password: password,
                                                  policy: IdentityFixtures.policy(config), clientAddress: "10.0.0.1", userAgent: "test")
            #expect(first.token != second.token)
            #expect(first.stage == .active)
            let who = try #require(try await principal(service, tenant, first.token))
            #expect(who.email == "ana@example.com")
            #expect(who.can(.adminUsers))
            #expect(try await principal(service, tenant, "not-a-token") == nil)
            await #expect(throws: IdentityError.invalidCredentials) {
                try await service.signIn(tenant: tenant, email: "ana@example.com", password: "wrong-password-1", policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            }
            await #expect(throws: IdentityError.invalidCredentials) {
                try await service.signIn(tenant: tenant, email: "nobody@example.com", password: password, policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            }
        }
    }

    @Test("the same email in another tenant is another account")
    func emailPerTenant() async throws {
        try await TestDatabases.with { dbs in
            let a = try await dbs.makeTenant(prefix: "ta").id
            let b = try await dbs.makeTenant(prefix: "tb").id
            let config = IdentityFixtures.config()
            let service = try IdentityService(database: dbs.app, config: config)
            try await IdentityFixtures.makeUser(service, tenant: a, email: "sam@example.com", password: password)
            try await IdentityFixtures.makeUser(service, tenant: b, email: "sam@example.com", password: password + "-b")
            await #expect(throws: IdentityError.invalidCredentials) {
                try await service.signIn(tenant: b, email: "sam@example.com", password: password, policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            }
            await #expect(throws: IdentityError.conflict("a user with this email address already exists in this workspace")) {
                try await IdentityFixtures.makeUser(service, tenant: a, email: "SAM@example.com", password: password)
            }
        }
    }

    @Test("sessions end after the idle timeout and after the absolute timeout, and can be revoked everywhere")
    func expiry() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "expiry").id
            let config = IdentityFixtures.config()
            let service = try IdentityService(database: dbs.app, config: config)
            try await IdentityFixtures.makeUser(service, tenant: tenant, email: "eve@example.com", password: password)
            // Generous timeouts and deadlines measured from sign-in, so a busy machine does not make this flaky.
            let idle = try await service.signIn(tenant: tenant, email: "eve@example.com", password: password,
                                                policy: SessionPolicy(idleSeconds: 8, absoluteSeconds: 3600), clientAddress: nil, userAgent: nil)
            #expect(try await principal(service, tenant, idle.token) != nil)
            try await Task.sleep(for: .milliseconds(8500))
            #expect(try await principal(service, tenant, idle.token) == nil, "idle timeout")

            let absolute = try await service.signIn(tenant: tenant, email: "eve@example.com", password: password,
                                                    policy: SessionPolicy(idleSeconds: 3600, absoluteSeconds: 10), clientAddress: nil, userAgent: nil)
            // The session began at most now: its absolute end is at most ten seconds from here (sign-in itself can
            // take a while on a loaded machine, so both the active window and the deadline are measured from its end;
            // the session row is written at the end of sign-in, well within the 6 s margin).
            let signedIn = ContinuousClock.now
            var activeChecks = 0
            while ContinuousClock.now - signedIn < .seconds(4) {
                #expect(try await principal(service, tenant, absolute.token) != nil)
                activeChecks += 1
                try await Task.sleep(for: .milliseconds(500))
            }
            #expect(activeChecks >= 2)
            try await Task.sleep(until: signedIn + .milliseconds(10_800))
            #expect(try await principal(service, tenant, absolute.token) == nil, "absolute timeout despite activity")

            let one = try await service.signIn(tenant: tenant, email: "eve@example.com", password: password, policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            let two = try await service.signIn(tenant: tenant, email: "eve@example.com", password: password, policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            let ended = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await service.sessions.revokeAll(tenant: tenant, user: one.user, on: connection, logger: dbs.app.logger)
            }
            #expect(ended == 2)
            #expect(try await principal(service, tenant, one.token) == nil)
            #expect(try await principal(service, tenant, two.token) == nil)
        }
    }

    @Test("200 wrong passwords throttle the attacker, and the real user signs in once the soft lock expires")
    func bruteForce() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "brute").id
            let config = IdentityFixtures.config(lockSeconds: 2, maximumFailures: 5)
            let service = try IdentityService(database: dbs.app, config: config)
            try await IdentityFixtures.makeUser(service, tenant: tenant, email: "victim@example.com", password: password)
            var wrong = 0
            var throttled = 0
            let started = ContinuousClock.now
            for attempt in 0..<200 {
                do {
                    _ = try await service.signIn(tenant: tenant, email: "victim@example.com", password: "guess-\(attempt)-xyz",
                                                 policy: IdentityFixtures.policy(config), clientAddress: "203.0.113.9", userAgent: nil)
                } catch IdentityError.invalidCredentials {
                    wrong += 1
                } catch IdentityError.throttled {
                    throttled += 1
                }
            }
            #expect(wrong + throttled == 200)
            // Five guesses before the first lock, then one more each time a 2 s lock runs out (the loop is slow when
            // the machine is loaded), never more.
            let lockPeriods = Int((ContinuousClock.now - started) / .seconds(2))
            #expect(wrong <= 5 + lockPeriods + 1, "\(wrong) wrong guesses were checked in \(lockPeriods) lock periods")
            #expect(throttled >= 150, "the attacker was throttled \(throttled) times")
            // The loop's last lock may have run out by now on a loaded machine: guess again until a guess is checked,
            // which starts a fresh 2 s lock. While the lock holds, even the right password is refused, from any address.
            var rearmed = false
            for attempt in 0..<100 where !rearmed {
                do {
                    _ = try await service.signIn(tenant: tenant, email: "victim@example.com", password: "again-\(attempt)-xyz",
                                                 policy: IdentityFixtures.policy(config), clientAddress: "203.0.113.9", userAgent: nil)
                } catch IdentityError.invalidCredentials {
                    rearmed = true
                } catch IdentityError.throttled {
                    try await Task.sleep(for: .milliseconds(100))
                }
            }
            #expect(rearmed, "no guess was checked again within 10 s of a 2 s lock")
            #expect(try await isThrottled {
                try await service.signIn(tenant: tenant, email: "victim@example.com", password: password,
                                         policy: IdentityFixtures.policy(config), clientAddress: "198.51.100.7", userAgent: nil)
            })
            try await Task.sleep(for: .milliseconds(2200))
            let session = try await service.signIn(tenant: tenant, email: "victim@example.com", password: password,
                                                   policy: IdentityFixtures.policy(config), clientAddress: "198.51.100.7", userAgent: nil)
            #expect(session.stage == .active)
        }
    }

    func isThrottled(_ body: () async throws -> IdentityService.SignIn) async throws -> Bool {
        do {
            _ = try await body()
            return false
        } catch IdentityError.throttled(let seconds) {
            return seconds > 0
        }
    }

    @Test("a stored hash with old parameters is replaced at sign-in")
    func rehashOnLogin() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "rehash").id
            var old = IdentityFixtures.config()
            old.argon2 = Argon2Parameters(memoryKiB: 512, iterations: 1, parallelism: 1)
            let oldService = try IdentityService(database: dbs.app, config: old)
            try await IdentityFixtures.makeUser(oldService, tenant: tenant, email: "old@example.com", password: password)
            var new = old
            new.argon2 = Argon2Parameters(memoryKiB: 2048, iterations: 2, parallelism: 1)
            let service = try IdentityService(database: dbs.app, config: new)
            _ = try await service.signIn(tenant: tenant, email: "old@example.com", password: password, policy: IdentityFixtures.policy(new), clientAddress: nil, userAgent: nil)
            let stored = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await UserRepository(tenant: tenant).credentials(email: "old@example.com", on: connection, logger: dbs.app.logger)
            }
            #expect(stored?.hash?.contains("m=2048,t=2,p=1") == true)
        }
    }
}
