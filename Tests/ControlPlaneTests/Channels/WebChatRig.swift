import AsyncHTTPClient
import Foundation
import GlavitoCore
import GlavitoTestSupport
import NIOCore
import NIOHTTP1
import PostgresNIO
import Testing

/// Two `glavito serve` processes (LiveServers) with a web chat channel on their tenant, the Python visitor
/// (Tests/python/webchat_client.py) and helpers to call the API and read the database.
struct WebChatRig: Sendable {
    let servers: LiveServers
    let dbs: TestDatabases
    let identity: IdentityService
    let account: ChannelAccount
    let client: HTTPClient
    /// The processes' GLAVITO_ATTACHMENTS_DIR.
    let attachments: URL

    static func with(_ body: @Sendable (WebChatRig) async throws -> Void) async throws {
        try await TestDatabases.with { dbs in
            let config = try GlavitoConfig.load(from: TestEnvironment.processEnvironment())
            let identity = try IdentityService(database: dbs.app, config: config.identity)
            let attachments = FileManager.default.temporaryDirectory.appendingPathComponent("webchat-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: attachments) }
            let servers = try await LiveServers.start(2, dbs: dbs, settings: ["GLAVITO_ATTACHMENTS_DIR": attachments.path])
            let account = try await webchat(servers.tenant, identity: identity, dbs: dbs, settings: ["allowed_origins": "https://shop.example.com"])
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                try await body(WebChatRig(servers: servers, dbs: dbs, identity: identity, account: account, client: client,
                                          attachments: attachments))
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
            try await servers.stop()
        }
    }

    /// A new web chat channel account of `tenant`.
    static func webchat(_ tenant: TenantID, identity: IdentityService, dbs: TestDatabases, settings: [String: String] = [:]) async throws -> ChannelAccount {
        try await dbs.app.withTenantTransaction(tenant) { connection in
            try await ChannelAccountStore(tenant: tenant, keyRing: identity.keyRing).create(
                kind: .webchat, name: "Website", externalID: nil, settings: settings, secrets: ChannelSecrets(), on: connection,
                logger: TestDatabases.logger)
        }
    }

    /// Starts a visitor on process `server` running `steps` (see webchat_client.py).
    func visitor(_ steps: [[String: Any]], server: Int = 0, host: String? = nil, channel: UUID? = nil, token: String? = nil,
                 origin: String? = "https://shop.example.com") throws -> LiveClientProcess {
        let root = try TestEnvironment.repoRoot()
        var arguments = [root.appendingPathComponent("Tests/python/webchat_client.py").path, "--port", "\(servers.ports[server])",
                         "--host", host ?? servers.host(server), "--channel", (channel ?? account.id).uuidString.lowercased(),
                         "--steps", String(decoding: try JSONSerialization.data(withJSONObject: steps), as: UTF8.self)]
        if let token { arguments += ["--token", token] }
        if let origin { arguments += ["--origin", origin] }
        return LiveClientProcess(process: try ManagedProcess(executable: root.appendingPathComponent(".venv/bin/python"), arguments: arguments,
                                                             environment: ProcessInfo.processInfo.environment))
    }

    /// Calls process `server` on the tenant host.
    func http(_ method: HTTPMethod, _ path: String, server: Int = 1, host: String? = nil, headers: [(String, String)] = [],
              json: String? = nil) async throws -> (status: Int, body: String, contentType: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(servers.ports[server])\(path)")
        request.method = method
        for (name, value) in headers + [("Host", host ?? servers.host(server))] { request.headers.replaceOrAdd(name: name, value: value) }
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: json))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        return (Int(response.status.code), String(buffer: body), response.headers.first(name: "Content-Type") ?? "")
    }

    /// One value from `sql` in the tenant.
    func value<T: PostgresDecodable & Sendable>(_ type: T.Type, _ sql: PostgresQuery) async throws -> T? {
        try await dbs.app.withTenantTransaction(servers.tenant) { connection in
            for try await value in try await connection.query(sql, logger: TestDatabases.logger).decode(T.self) { return value }
            return nil
        }
    }

    /// The frames of `frames` of `type`.
    static func of(_ type: String, _ frames: [[String: Any]]) -> [[String: Any]] {
        frames.filter { $0["type"] as? String == type }
    }
}
