import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

@Suite("glavito users, audit verify, keys rotate")
struct IdentityCLITests {
    func glavito(_ arguments: [String], extra: [String: String] = [:]) async throws -> (status: Int32, output: String) {
        try await ManagedProcess.run(executable: try TestEnvironment.binDirectory().appendingPathComponent("glavito"), arguments: arguments,
                                     environment: try TestEnvironment.processEnvironment(extra: extra.merging(["GLAVITO_LOG_LEVEL": "error"]) { $1 }))
    }

    @Test("users create prints a password that signs in; users list shows the user; audit verify passes, then names an edited entry")
    func usersAndAudit() async throws {
        try await TestDatabases.with { dbs in
            let (tenant, slug) = try await dbs.makeTenant(prefix: "cli")
            let created = try await glavito(["users", "create", "--tenant", slug, "--email", "Lee@Example.com", "--name", "Lee", "--role", "admin"])
            #expect(created.status == 0, "\(created.output)")
            let password = try #require(created.output.firstMatch(of: /password: (\S+)/).map { String($0.1) })
            let identity = try IdentityService(database: dbs.app, config: try GlavitoConfig.load(from: try TestEnvironment.processEnvironment()).identity)
            let signIn = try await identity.signIn(tenant: tenant, email: "lee@example.com", password: password,
                                                   policy: SessionPolicy(idleSeconds: 60, absoluteSeconds: 600), clientAddress: nil, userAgent: nil)
            #expect(signIn.stage == .active)
            let listed = try await glavito(["users", "list", "--tenant", slug])
            #expect(listed.output.contains("lee@example.com") && listed.output.contains("admin"))
            #expect(try await glavito(["users", "create", "--tenant", slug, "--email", "lee@example.com", "--name", "Lee"]).status != 0)

            let verified = try await glavito(["audit", "verify", "--tenant", slug])
            #expect(verified.status == 0, "\(verified.output)")
            #expect(verified.output.contains("ok: 2 entries, 0 signed checkpoints"))
            #expect(try await glavito(["audit", "checkpoint", "--tenant", slug]).status == 0)
            #expect(try await glavito(["audit", "verify", "--tenant", slug]).output.contains("ok: 2 entries, 1 signed checkpoints"))
            try await dbs.owner.withTransaction { connection in
                try await connection.query("UPDATE audit_log SET action = 'nothing.happened' WHERE tenant_id = \(tenant.rawValue) AND seq = 1", logger: dbs.owner.logger)
            }
            let broken = try await glavito(["audit", "verify", "--tenant", slug])
            #expect(broken.status == 1)
            #expect(broken.output.contains("BROKEN at entry 1"), "\(broken.output)")
        }
    }

    @Test("tenants apply creates listed users once with generated passwords in the logins file; without a master key nothing is applied")
    func tenantsApplyUsers() async throws {
        try await TestDatabases.with { dbs in
            let slug = "members-\(UUID().uuidString.prefix(8).lowercased())"
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-\(slug)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("\(slug).yaml")
            try """
                slug: \(slug)
                name: Members
                roles:
                  - key: lead
                    permissions: [tickets.read]
                users:
                  - email: Lead@Members.test
                    role: lead
                  - email: owner@members.test
                    role: owner
                """.write(to: file, atomically: true, encoding: .utf8)
            let logins = directory.appendingPathComponent("logins.txt")
            let refused = try await glavito(["tenants", "apply", file.path], extra: ["GLAVITO_MASTER_KEY": ""])
            #expect(refused.status != 0)
            #expect(try await TenantDirectory(platform: dbs.platform).list().contains { $0.slug == slug } == false, "nothing was applied")

            let applied = try await glavito(["tenants", "apply", file.path, "--logins-file", logins.path])
            #expect(applied.status == 0, "\(applied.output)")
            let lines = try String(contentsOf: logins, encoding: .utf8).split(separator: "\n")
            #expect(lines.count == 2)
            #expect(lines.contains { $0.contains("lead@members.test") && $0.contains("lead") })
            let again = try await glavito(["tenants", "apply", file.path, "--logins-file", logins.path])
            #expect(again.status == 0)
            #expect(try String(contentsOf: logins, encoding: .utf8).split(separator: "\n").count == 2, "existing users get no new password")
            let attributes = try FileManager.default.attributesOfItem(atPath: logins.path)
            #expect((attributes[.posixPermissions] as? Int) == 0o600)
        }
    }

    @Test("tenants apply connects the channels a file lists, with secrets from the environment, sealed; a missing variable applies nothing")
    func tenantsApplyChannels() async throws {
        try await TestDatabases.with { dbs in
            let slug = "channels-\(UUID().uuidString.prefix(8).lowercased())"
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-\(slug)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let file = directory.appendingPathComponent("\(slug).yaml")
            let phoneNumberID = "PN\(UInt32.random(in: 100_000...999_999))"
            try """
                slug: \(slug)
                name: Channels
                channels:
                  - kind: whatsapp
                    name: Shop WhatsApp
                    external_id: "\(phoneNumberID)"
                    settings:
                      waba_id: "123"
                      api_base_url: ${TEST_GRAPH_URL}
                    secrets_env:
                      access_token: TEST_WA_TOKEN
                      app_secret: TEST_WA_SECRET
                      verify_token: TEST_WA_VERIFY
                  - kind: webchat
                    name: Website
                """.write(to: file, atomically: true, encoding: .utf8)
            let refused = try await glavito(["tenants", "apply", file.path], extra: ["TEST_WA_TOKEN": "t", "TEST_GRAPH_URL": "http://127.0.0.1:1/v21.0"])
            #expect(refused.status != 0 && refused.output.contains("TEST_WA_SECRET"), "\(refused.output)")
            #expect(try await TenantDirectory(platform: dbs.platform).list().contains { $0.slug == slug } == false, "nothing was applied")
            let environment = ["TEST_WA_TOKEN": "token-1", "TEST_WA_SECRET": "secret-1", "TEST_WA_VERIFY": "verify-1",
                               "TEST_GRAPH_URL": "http://127.0.0.1:1/v21.0"]
            let applied = try await glavito(["tenants", "apply", file.path], extra: environment)
            #expect(applied.status == 0 && applied.output.contains("channel 'Shop WhatsApp' created"), "\(applied.output)")
            let again = try await glavito(["tenants", "apply", file.path], extra: environment.merging(["TEST_WA_TOKEN": "token-2"]) { $1 })
            #expect(again.status == 0 && again.output.contains("channel 'Shop WhatsApp' updated"), "\(again.output)")
            let tenant = try #require(try await TenantDirectory(platform: dbs.platform).list().first { $0.slug == slug }).id
            let config = try GlavitoConfig.load(from: TestEnvironment.processEnvironment())
            let keyRing = try IdentityService(database: dbs.app, config: config.identity).keyRing
            let (accounts, secrets, clear) = try await dbs.app.withTenantTransaction(tenant) { connection in
                let store = ChannelAccountStore(tenant: tenant, keyRing: keyRing)
                let accounts = try await store.list(on: connection, logger: TestDatabases.logger)
                let whatsapp = try #require(accounts.first { $0.kind == .whatsapp })
                let rows = try await connection.query("""
                    SELECT count(*)::int FROM channel_accounts WHERE position('token-2' in encode(secrets_sealed, 'escape')) > 0
                    """, logger: TestDatabases.logger)
                var clear = 0
                for try await count in rows.decode(Int.self) { clear = count }
                return (accounts, try await store.secrets(of: whatsapp.id, on: connection, logger: TestDatabases.logger), clear)
            }
            #expect(accounts.count == 2 && accounts.first { $0.kind == .whatsapp }?.settings["api_base_url"] == "http://127.0.0.1:1/v21.0")
            #expect(secrets == ChannelSecrets(accessToken: "token-2", appSecret: "secret-1", verifyToken: "verify-1"))
            #expect(clear == 0, "secrets are sealed at rest")
        }
    }

    @Test("operators create prints a password and an authenticator URI once; a second create with the same email fails")
    func operators() async throws {
        let email = "cli-op-\(UUID().uuidString.prefix(8).lowercased())@platform.test"
        let created = try await glavito(["operators", "create", "--email", email, "--name", "Cli Op"])
        #expect(created.status == 0, "\(created.output)")
        #expect(created.output.contains("authenticator URI: otpauth://totp/"))
        #expect(created.output.contains("password: "))
        let again = try await glavito(["operators", "create", "--email", email, "--name", "Cli Op"])
        #expect(again.status == 1)
        #expect(again.output.contains("already exists"))
    }

    @Test("keys rotate re-wraps a tenant's data key under a new master key; sealed secrets still open")
    func rotate() async throws {
        try await TestDatabases.with { dbs in
            let (tenant, slug) = try await dbs.makeTenant(prefix: "rotate")
            let environment = try TestEnvironment.processEnvironment()
            let oldKey = try #require(try GlavitoConfig.load(from: environment).identity.masterKey)
            let context = FieldContext(tenant: tenant, table: "t", column: "c", row: "1")
            let sealed = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await TenantKeyRing(masterKey: oldKey).cipher(for: tenant, on: connection, logger: dbs.app.logger).seal(Array("s3cret".utf8), context: context)
            }
            let newKey = MasterKey.generate()
            let missingOld = try await glavito(["keys", "rotate", "--tenant", slug], extra: ["GLAVITO_MASTER_KEY": newKey.base64])
            #expect(missingOld.status != 0, "without the old key nothing can be re-wrapped")
            let rotated = try await glavito(["keys", "rotate", "--tenant", slug],
                                            extra: ["GLAVITO_MASTER_KEY": newKey.base64, "GLAVITO_PREVIOUS_MASTER_KEYS": oldKey.base64])
            #expect(rotated.status == 0, "\(rotated.output)")
            #expect(rotated.output.contains("re-wrapped 1 tenant data key"))
            let opened = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await TenantKeyRing(masterKey: newKey).cipher(for: tenant, on: connection, logger: dbs.app.logger).open(sealed, context: context)
            }
            #expect(opened == Array("s3cret".utf8))
            await #expect(throws: (any Error).self) {
                try await dbs.app.withTenantTransaction(tenant) { connection in
                    try await TenantKeyRing(masterKey: oldKey).cipher(for: tenant, on: connection, logger: dbs.app.logger)
                }
            }
        }
    }
}
