import AsyncHTTPClient
import Foundation
import GlavitoCore
import GlavitoTestSupport
import NIOCore
import Testing

/// What the workspace's browser tests run against: a real `glavito serve` (with its live WebSocket) and a
/// `glavito-worker` for one fresh tenant, the fake Graph API with a WhatsApp number whose webhooks reach that
/// server, and two signed-up agents, the first with TOTP enrolled. `run` hands all of it to
/// Tests/e2e/workspace.py as one JSON argument.
struct WorkspaceRig: Sendable {
    let dbs: TestDatabases
    let tenant: TenantID
    let base: String
    let fakeURL: String
    let account: ChannelAccount
    let agents: [[String: String]]
    let smtpPort: Int
    let emailAddress: String

    static func with(_ body: @Sendable (WorkspaceRig) async throws -> Void) async throws {
        try await TestDatabases.with { dbs in
            let (tenant, slug) = try await dbs.makeTenant(prefix: "ws")
            let config = try GlavitoConfig.load(from: try TestEnvironment.processEnvironment())
            let identity = try IdentityService(database: dbs.app, config: config.identity)
            var agents: [[String: String]] = []
            for index in 1...2 {
                let email = "agent\(index)-\(UUID().uuidString.prefix(6).lowercased())@example.com"
                let password = "pw-\(UUID().uuidString)"
                let user = try await IdentityFixtures.makeUser(identity, tenant: tenant, email: email, password: password, role: "admin",
                                                               teams: ["emea"])
                var agent = ["email": email, "password": password, "name": user.displayName]
                if index == 1 { agent["totp"] = try await enrolTOTP(user.id, email: email, tenant: tenant, identity: identity) }
                agents.append(agent)
            }
            let (fake, fakePort) = try await ChannelRig.startFakeMeta()
            defer { fake.send(SIGTERM) }
            let fakeURL = "http://127.0.0.1:\(fakePort)"
            let port = try ManagedProcess.freePort()
            let smtpPort = try ManagedProcess.freePort()
            let attachments = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-ws-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: attachments, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: attachments) }
            let server = try ManagedProcess(
                executable: try TestEnvironment.binDirectory().appendingPathComponent("glavito"), arguments: ["serve"],
                environment: try TestEnvironment.processEnvironment(extra: [
                    "GLAVITO_HTTP_PORT": String(port), "GLAVITO_BASE_DOMAIN": "localhost", "GLAVITO_ATTACHMENTS_DIR": attachments.path,
                    "GLAVITO_SMTP_PORT": String(smtpPort),
                ]))
            defer { server.send(SIGTERM) }
            #expect(try await server.waitForOutput(containing: "schema is current"), "\(server.output)")
            let phoneNumberID = "PN\(UInt32.random(in: 100_000...999_999))"
            let waba = "WABA\(UInt32.random(in: 100_000...999_999))"
            let secrets = ChannelSecrets(accessToken: "token-\(UUID().uuidString)", appSecret: "secret-\(UUID().uuidString)",
                                         verifyToken: "verify-\(UUID().uuidString)")
            let emailAddress = "support@\(slug).mail.test"
            let account = try await dbs.app.withTenantTransaction(tenant) { connection in
                _ = try await ChannelAccountStore(tenant: tenant, keyRing: identity.keyRing).create(
                    kind: .email, name: "Email", externalID: nil, settings: ["address": emailAddress], secrets: ChannelSecrets(),
                    on: connection, logger: TestDatabases.logger)
                // A canned response for the composer (the reply flow inserts it).
                _ = try await CannedResponseStore(tenant: tenant).create(
                    CannedResponse(shortcut: "greeting", title: "Greeting", body: "Hallo {{contact.name}}!"), on: connection, logger: TestDatabases.logger)
                return try await ChannelAccountStore(tenant: tenant, keyRing: identity.keyRing).create(
                    kind: .whatsapp, name: "WhatsApp", externalID: phoneNumberID,
                    settings: ["api_base_url": "\(fakeURL)/v21.0", "waba_id": waba], secrets: secrets, on: connection, logger: TestDatabases.logger)
            }
            try await post("\(fakeURL)/_fake/whatsapp/accounts", [
                "phone_number_id": phoneNumberID, "waba_id": waba, "access_token": secrets.accessToken ?? "", "app_secret": secrets.appSecret ?? "",
                "webhook_url": "http://127.0.0.1:\(port)/webhooks/whatsapp/\(account.id.uuidString.lowercased())",
            ])
            try await post("\(fakeURL)/_fake/settings", ["webhook_timeout_seconds": 60])
            let worker = try await ChannelRig.startWorker(tenant, attachments: attachments)
            defer { worker.send(SIGKILL) }
            try await body(WorkspaceRig(dbs: dbs, tenant: tenant, base: "http://\(slug).localhost:\(port)", fakeURL: fakeURL, account: account,
                                        agents: agents, smtpPort: smtpPort, emailAddress: emailAddress))
            server.send(SIGTERM)
            _ = try await server.waitForExit()
        }
    }

    /// Enrols TOTP for `user` (confirmed with the previous step's code); returns the base32 secret for pyotp.
    static func enrolTOTP(_ user: UserID, email: String, tenant: TenantID, identity: IdentityService) async throws -> String {
        try await identity.database.withTenantTransaction(tenant) { connection in
            let mfa = MFAService(tenant: tenant, keyRing: identity.keyRing)
            let enrolment = try await mfa.beginEnrolment(user: user, account: email, issuer: "Glavito", on: connection, logger: TestDatabases.logger)
            _ = try await mfa.confirmEnrolment(user: user, code: enrolment.totp.code(at: Int64(Date().timeIntervalSince1970) - 30),
                                               on: connection, logger: TestDatabases.logger)
            let query = URLComponents(string: enrolment.uri)?.queryItems ?? []
            return query.first { $0.name == "secret" }?.value ?? ""
        }
    }

    /// Runs Tests/e2e/workspace.py for `flows` at `viewport` (`desktop` or `phone`); its figures go to the output.
    func run(_ flows: [String], viewport: String, extra: [String: Any] = [:]) async throws -> (status: Int32, output: String) {
        let root = try TestEnvironment.repoRoot()
        var settings: [String: Any] = [
            "base": base, "fake": fakeURL, "phone_number_id": account.externalID ?? "", "agents": agents, "flows": flows, "viewport": viewport,
            "smtp_port": smtpPort, "email_address": emailAddress,
            "output": root.appendingPathComponent("test-output/workspace").path,
        ]
        settings.merge(extra) { _, new in new }
        let json = String(decoding: try JSONSerialization.data(withJSONObject: settings), as: UTF8.self)
        let result = try await ManagedProcess.run(
            executable: root.appendingPathComponent(".venv/bin/python"),
            arguments: [root.appendingPathComponent("Tests/e2e/workspace.py").path, json, "/usr/bin/chromium"],
            environment: ProcessInfo.processInfo.environment, timeout: .seconds(240))
        return (result.status, result.output)
    }

    /// A customer whose last message is 25 hours old (the WhatsApp window closed), with an approved template
    /// known to both sides; returns the customer's wa_id.
    func closedWindowCustomer() async throws -> String {
        let customer = "49151\(UInt32.random(in: 1_000_000...9_999_999))"
        let past = Date().addingTimeInterval(-25 * 3600)
        try await Self.post("\(fakeURL)/_fake/whatsapp/webhook", [
            "phone_number_id": account.externalID ?? "", "signature": "valid",
            "contacts": [["profile": ["name": "Old Customer"], "wa_id": customer]],
            "messages": [["from": customer, "id": "wamid.old\(UUID().uuidString.prefix(8))", "timestamp": String(Int(past.timeIntervalSince1970)),
                          "type": "text", "text": ["body": "Is my order on its way?"]]],
        ])
        try await Self.post("\(fakeURL)/_fake/window", ["channel": "whatsapp", "account": account.externalID ?? "", "customer": customer,
                                                       "last_inbound_unix": Int(past.timeIntervalSince1970)])
        try await Self.post("\(fakeURL)/_fake/templates", ["waba_id": account.settings["waba_id"] ?? "", "templates": [
            ["name": "order_update", "language": "en", "body": "Hello {{1}}, your order {{2}} is on its way."],
        ]])
        let components = #"[{"type":"BODY","text":"Hello {{1}}, your order {{2}} is on its way."}]"#
        try await dbs.app.withTenantTransaction(tenant) { connection in
            try await connection.query("""
                UPDATE channel_windows SET last_inbound_at = \(past)
                """, logger: TestDatabases.logger)
            try await connection.query("""
                INSERT INTO message_templates (tenant_id, channel_account_id, name, language, status, category, components)
                VALUES (\(tenant.rawValue), \(account.id), 'order_update', 'en', 'APPROVED', 'UTILITY', \(components)::jsonb)
                """, logger: TestDatabases.logger)
        }
        return customer
    }

    static func post(_ url: String, _ body: [String: Any]) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: body)))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        _ = try await response.body.collect(upTo: 1 << 20)
    }
}
