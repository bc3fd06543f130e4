import Foundation
import GlavitoCore
import GlavitoTestSupport
import Logging
import Testing

@Suite("Browser: Playwright in Debian's Chromium")
struct BrowserTests {
    @Test("the demo owner signs in, enrols TOTP with pyotp, signs out, and signs in with password and TOTP")
    func demoOwnerTOTP() async throws {
        let root = try TestEnvironment.repoRoot()
        try await TestDatabases.with { dbs in
            // The demo tenant file under a fresh slug (and without its custom domain, which is unique).
            var definition = try TenantDefinitionParser().parseFile(at: root.appendingPathComponent("tenants/demo.yaml").path)
            definition.slug = "demo-\(UUID().uuidString.lowercased().prefix(8))"
            definition.domains = []
            var identityConfig = try GlavitoConfig.load(from: try TestEnvironment.processEnvironment()).identity
            identityConfig.argon2 = Argon2Parameters(memoryKiB: 4096, iterations: 1, parallelism: 1)
            let identity = try IdentityService(database: dbs.platform, config: identityConfig)
            let applier = TenantMembersApplier(identity: identity, generatePassword: { SecureRandom.token(byteCount: 15) })
            let prepared = try await applier.prepare([definition])
            let logins = try await TenantDirectory(platform: dbs.platform).apply([definition]) { connection, ids in
                try await applier.apply(prepared, tenantIDs: ids, on: connection)
            }.extra
            #expect(logins.count == 4)
            let owner = try #require(logins.first { $0.role == "owner" })

            let port = try ManagedProcess.freePort()
            let server = try ManagedProcess(
                executable: try TestEnvironment.binDirectory().appendingPathComponent("glavito"), arguments: ["serve"],
                environment: try TestEnvironment.processEnvironment(extra: ["GLAVITO_HTTP_PORT": String(port), "GLAVITO_BASE_DOMAIN": "localhost"])
            )
            defer { server.send(SIGTERM) }
            #expect(try await server.waitForOutput(containing: "schema is current"), "\(server.output)")
            let python = root.appendingPathComponent(".venv/bin/python")
            let result = try await ManagedProcess.run(
                executable: python,
                arguments: [root.appendingPathComponent("Tests/e2e/login_totp.py").path, "http://\(definition.slug).localhost:\(port)",
                            owner.email, owner.password, "/usr/bin/chromium"],
                environment: ProcessInfo.processInfo.environment, timeout: .seconds(180)
            )
            #expect(result.status == 0, "\(result.output)\n--- server ---\n\(server.output.suffix(4000))")
            server.send(SIGTERM)
            _ = try await server.waitForExit()
        }
    }

    @Test("the web chat widget at phone width: a visitor writes, an agent's reply appears live (a note does not), a reload keeps it")
    func webChatWidget() async throws {
        let root = try TestEnvironment.repoRoot()
        try await TestDatabases.with { dbs in
            let (tenant, slug) = try await dbs.makeTenant(prefix: "widget")
            let config = try GlavitoConfig.load(from: try TestEnvironment.processEnvironment())
            let keyRing = try IdentityService(database: dbs.app, config: config.identity).keyRing
            let key = try await dbs.app.withTenantTransaction(tenant) { connection in
                _ = try await ChannelAccountStore(tenant: tenant, keyRing: keyRing).create(
                    kind: .webchat, name: "Website", externalID: nil, settings: [:], secrets: ChannelSecrets(), on: connection,
                    logger: TestDatabases.logger)
                return try await APIKeyStore(tenant: tenant).create(name: "agent", scopes: [.ticketsRead, .ticketsReply], expiresAt: nil,
                                                                    createdBy: nil, on: connection, logger: TestDatabases.logger).key
            }
            let port = try ManagedProcess.freePort()
            let server = try ManagedProcess(
                executable: try TestEnvironment.binDirectory().appendingPathComponent("glavito"), arguments: ["serve"],
                environment: try TestEnvironment.processEnvironment(extra: ["GLAVITO_HTTP_PORT": String(port), "GLAVITO_BASE_DOMAIN": "localhost"])
            )
            defer { server.send(SIGTERM) }
            #expect(try await server.waitForOutput(containing: "schema is current"), "\(server.output)")
            let result = try await ManagedProcess.run(
                executable: root.appendingPathComponent(".venv/bin/python"),
                arguments: [root.appendingPathComponent("Tests/e2e/webchat_widget.py").path, "http://\(slug).localhost:\(port)", key,
                            "/usr/bin/chromium"],
                environment: ProcessInfo.processInfo.environment, timeout: .seconds(180)
            )
            #expect(result.status == 0, "\(result.output)\n--- server ---\n\(server.output.suffix(4000))")
            server.send(SIGTERM)
            _ = try await server.waitForExit()
        }
    }
}
