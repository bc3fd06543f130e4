import AsyncHTTPClient
import Foundation
import GlavitoCore
import GlavitoTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import PostgresNIO
import Prometheus
import Testing
@testable import ControlPlane

/// A live control plane (configured from the suite's environment, so worker processes share its master key), the
/// fake Meta Graph API (Tests/fakes/fake_meta.py) and helpers to connect channels and call both.
struct ChannelRig: Sendable {
    let port: Int
    let fakePort: Int
    let client: HTTPClient
    let identity: IdentityService
    let dbs: TestDatabases
    /// Where this rig's control plane (and the workers it starts) keep attachments.
    let attachments: URL

    struct Reply: Sendable {
        let status: Int
        let body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any] ?? [:] }
    }

    /// A connected channel account of a tenant.
    struct Channel: Sendable {
        let tenant: TenantID
        let host: String
        let account: ChannelAccount
        let secrets: ChannelSecrets
    }

    static func with(_ body: @Sendable (ChannelRig) async throws -> Void) async throws {
        try await TestDatabases.with { dbs in
            let attachments = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-att-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: attachments, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: attachments) }
            let config = try GlavitoConfig.load(from: TestEnvironment.processEnvironment(extra: [
                "GLAVITO_BASE_DOMAIN": "glavito.test", "GLAVITO_ATTACHMENTS_DIR": attachments.path,
            ]))
            let identity = try IdentityService(database: dbs.app, config: config.identity)
            let router = try buildRouter(config: config, database: dbs.app, platformDatabase: dbs.platform, expectedSchemaVersion: 0,
                                         registry: PrometheusCollectorRegistry(), identity: identity)
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            let (fake, fakePort) = try await startFakeMeta()
            defer { fake.send(SIGTERM) }
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                try await app.test(.live) { testClient in
                    // The whole suite shares two cores: give our answers to the fake's webhooks time.
                    var settings = HTTPClientRequest(url: "http://127.0.0.1:\(fakePort)/_fake/settings")
                    settings.method = .POST
                    settings.headers.add(name: "Content-Type", value: "application/json")
                    settings.body = .bytes(ByteBuffer(string: #"{"webhook_timeout_seconds": 60}"#))
                    _ = try await client.execute(settings, timeout: .seconds(30)).body.collect(upTo: 1 << 16)
                    try await body(ChannelRig(port: testClient.port ?? 0, fakePort: fakePort, client: client, identity: identity, dbs: dbs,
                                              attachments: attachments))
                }
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// Tests/fakes/fake_meta.py on a port of its choosing: the process and the port.
    static func startFakeMeta() async throws -> (ManagedProcess, Int) {
        let fake = try ManagedProcess(executable: URL(fileURLWithPath: "/usr/bin/python3"),
                                      arguments: [try TestEnvironment.repoRoot().appendingPathComponent("Tests/fakes/fake_meta.py").path],
                                      environment: ProcessInfo.processInfo.environment)
        guard try await fake.waitForOutput(containing: "\"port\"", timeout: .seconds(20)),
              let line = fake.output.split(separator: "\n").first(where: { $0.contains("\"port\"") }),
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let fakePort = object["port"] as? Int else {
            fake.send(SIGTERM)
            throw RigError(message: "the fake Meta API did not start: \(fake.output)")
        }
        return (fake, fakePort)
    }

    struct RigError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    var graphURL: String { "http://127.0.0.1:\(fakePort)/v21.0" }

    /// A new tenant with a WhatsApp (or Instagram) channel registered with the fake, whose webhooks reach us.
    func connect(_ kind: ChannelKind, tenant existing: (TenantID, String)? = nil, externalID: String? = nil) async throws -> Channel {
        var made = existing
        if made == nil { made = try await dbs.makeTenant(prefix: "ch") }
        guard let (tenant, slug) = made else { throw RigError(message: "no tenant") }
        let external = externalID ?? "\(kind == .whatsapp ? "PN" : "IG")\(UInt32.random(in: 100_000...999_999))"
        let secrets = ChannelSecrets(accessToken: "token-\(UUID().uuidString)", appSecret: "secret-\(UUID().uuidString)",
                                     verifyToken: "verify-\(UUID().uuidString)")
        let waba = "WABA\(UInt32.random(in: 100_000...999_999))"
        let account = try await dbs.app.withTenantTransaction(tenant) { connection in
            try await ChannelAccountStore(tenant: tenant, keyRing: identity.keyRing).create(
                kind: kind, name: "\(kind.rawValue) test", externalID: external, settings: ["api_base_url": graphURL, "waba_id": waba],
                secrets: secrets, on: connection, logger: dbs.app.logger)
        }
        let webhook = "http://127.0.0.1:\(port)/webhooks/\(kind.rawValue)/\(account.id.uuidString.lowercased())"
        if kind == .whatsapp {
            let reply = try await fake(.POST, "/_fake/whatsapp/accounts", [
                "phone_number_id": external, "waba_id": waba, "access_token": secrets.accessToken ?? "", "app_secret": secrets.appSecret ?? "",
                "webhook_url": webhook,
            ])
            #expect(reply.status == 200, "\(reply.body)")
        } else {
            let reply = try await fake(.POST, "/_fake/instagram/accounts", [
                "ig_id": external, "access_token": secrets.accessToken ?? "", "app_secret": secrets.appSecret ?? "", "webhook_url": webhook,
            ])
            #expect(reply.status == 200, "\(reply.body)")
        }
        return Channel(tenant: tenant, host: "\(slug).glavito.test", account: account, secrets: secrets)
    }

    /// Calls the fake's API with a JSON body.
    func fake(_ method: HTTPMethod, _ path: String, _ body: [String: Any]? = nil) async throws -> Reply {
        try await send(method, "http://127.0.0.1:\(fakePort)\(path)", body: body.map { try JSONSerialization.data(withJSONObject: $0) })
    }

    /// Calls our API on the channel's tenant host with `headers` (an API key).
    func api(_ method: HTTPMethod, _ path: String, _ channel: Channel, headers: [(String, String)], json: String? = nil) async throws -> Reply {
        try await send(method, "http://127.0.0.1:\(port)\(path)", body: json.map { Data($0.utf8) },
                       headers: headers + [("Host", channel.host), ("Accept", "application/json")])
    }

    func send(_ method: HTTPMethod, _ url: String, body: Data?, headers: [(String, String)] = []) async throws -> Reply {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.replaceOrAdd(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(60))
        let collected = try await response.body.collect(upTo: 8 << 20)
        return Reply(status: Int(response.status.code), body: String(buffer: collected))
    }

    /// A fixture under Tests/CoreTests/Fixtures/meta with its placeholders replaced.
    static func fixture(_ path: String, replacing: [String: String]) throws -> String {
        let url = try TestEnvironment.repoRoot().appendingPathComponent("Tests/CoreTests/Fixtures/meta/\(path)")
        var text = try String(contentsOf: url, encoding: .utf8)
        for (key, value) in replacing { text = text.replacingOccurrences(of: key, with: value) }
        return text
    }

    /// Has the fake post `body` (a complete webhook) to the channel's webhook, signed as Meta signs
    /// (`signature`: valid, bad or none); returns what Glavito answered.
    func deliver(_ body: String, to channel: Channel, signature: String = "valid") async throws -> Reply {
        let object = try JSONSerialization.jsonObject(with: Data(body.utf8))
        let reply: Reply
        if channel.account.kind == .whatsapp {
            reply = try await fake(.POST, "/_fake/whatsapp/webhook", ["phone_number_id": channel.account.externalID ?? "", "body": object,
                                                                      "signature": signature])
        } else {
            reply = try await fake(.POST, "/_fake/instagram/webhook", ["ig_id": channel.account.externalID ?? "", "body": object,
                                                                       "signature": signature])
        }
        return Reply(status: reply.json["status"] as? Int ?? -1, body: reply.json["body"] as? String ?? reply.body)
    }

    /// Runs `body` in a transaction bound to `tenant`.
    func db<Result: Sendable>(_ tenant: TenantID, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await dbs.app.withTenantTransaction(tenant, body)
    }

    /// A count from `sql` in `tenant`.
    func count(_ tenant: TenantID, _ sql: PostgresQuery) async throws -> Int {
        try await db(tenant) { connection in
            let rows = try await connection.query(sql, logger: TestDatabases.logger)
            for try await value in rows.decode(Int.self) { return value }
            return 0
        }
    }

    /// An API key of the tenant with `scopes`.
    func key(_ scopes: Set<Permission>, _ channel: Channel) async throws -> [(String, String)] {
        try await JobsControllerTests.key(scopes, tenant: channel.tenant, dbs: dbs)
    }

    /// Waits until `condition` holds (polling every 100 ms), up to `timeout`.
    func eventually(timeout: Duration = .seconds(90), _ condition: () async throws -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if try await condition() { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return try await condition()
    }
}

extension ChannelRig {
    /// A `glavito-worker` process serving only `tenant`, storing attachments under a fresh directory.
    func startWorker(_ tenant: TenantID, attachments: URL? = nil, extra: [String: String] = [:]) async throws -> ManagedProcess {
        try await Self.startWorker(tenant, attachments: attachments ?? self.attachments, extra: extra)
    }

    /// A `glavito-worker` process serving only `tenant`, storing attachments under `attachments`.
    static func startWorker(_ tenant: TenantID, attachments: URL, extra: [String: String] = [:]) async throws -> ManagedProcess {
        let settings = [
            "GLAVITO_WORKER_TENANTS": tenant.description, "GLAVITO_WORKER_CONCURRENCY": "4", "GLAVITO_JOBS_POLL_MS": "200",
            "GLAVITO_JOBS_LEASE_SECONDS": "3", "GLAVITO_JOBS_MAINTENANCE_SECONDS": "1", "GLAVITO_DB_POOL_SIZE": "4",
            "GLAVITO_SHUTDOWN_TIMEOUT": "3", "GLAVITO_ATTACHMENTS_DIR": attachments.path,
        ].merging(extra) { _, new in new }
        let worker = try ManagedProcess(executable: try TestEnvironment.binDirectory().appendingPathComponent("glavito-worker"), arguments: [],
                                        environment: try TestEnvironment.processEnvironment(extra: settings))
        guard try await worker.waitForOutput(containing: "worker ready", timeout: .seconds(30)) else {
            throw RigError(message: "worker did not start:\n\(worker.output.suffix(2000))")
        }
        return worker
    }

    /// Has the fake deliver a fresh text message from `waID` to the channel, timestamped now.
    func whatsappText(_ text: String, from waID: String, name: String = "Lena Schmidt", to channel: Channel) async throws -> Reply {
        let id = "wamid.\(UUID().uuidString.replacingOccurrences(of: "-", with: ""))"
        let reply = try await fake(.POST, "/_fake/whatsapp/webhook", [
            "phone_number_id": channel.account.externalID ?? "", "signature": "valid",
            "contacts": [["profile": ["name": name], "wa_id": waID]],
            "messages": [["from": waID, "id": id, "timestamp": String(Int(Date().timeIntervalSince1970)), "type": "text", "text": ["body": text]]],
        ])
        return Reply(status: reply.json["status"] as? Int ?? -1, body: reply.json["body"] as? String ?? reply.body)
    }

    /// The accepted sends the fake recorded for a channel.
    func sent(_ channel: String = "whatsapp") async throws -> [[String: Any]] {
        let reply = try await fake(.GET, "/_fake/sent?channel=\(channel)")
        return reply.json["requests"] as? [[String: Any]] ?? reply.json["sent"] as? [[String: Any]] ?? []
    }
}
