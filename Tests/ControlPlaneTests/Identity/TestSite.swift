import AsyncHTTPClient
import Foundation
import GlavitoCore
import GlavitoTestSupport
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Prometheus
@testable import ControlPlane

/// A route the router holds.
struct RegisteredRoute: Sendable, CustomStringConvertible {
    let method: HTTPRequest.Method
    let path: String
    var description: String { "\(method) \(path)" }
}

/// A live control plane on a free port for one fresh tenant, and an HTTP client that sends the tenant's Host header
/// and does not follow redirects.
struct TestSite: Sendable {
    let port: Int
    let host: String
    let tenant: TenantID
    let identity: IdentityService
    let client: HTTPClient

    struct Reply: Sendable {
        let status: Int
        let headers: [(String, String)]
        let body: String

        func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
        func headers(_ name: String) -> [String] { headers.filter { $0.0.lowercased() == name.lowercased() }.map(\.1) }
        /// The session token from a `Set-Cookie` header.
        var sessionToken: String? { token(cookie: "glavito_session") }

        /// The value a `Set-Cookie` header gives the cookie `name` (with or without the `__Host-` prefix).
        func token(cookie name: String) -> String? {
            for value in headers("Set-Cookie") where value.contains("\(name)=") {
                let token = value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)[1]
                return token.isEmpty ? nil : String(token)
            }
            return nil
        }
        /// The first `name="_csrf" value="…"` in the body.
        var csrf: String? { body.firstMatch(of: /name="_csrf" value="([^"]+)"/).map { String($0.1) } }
    }

    /// Runs `body` against a live site; `configure` adjusts the identity configuration and the public URL.
    static func with(
        publicURL: String = "http://glavito.test", configure: (inout IdentityConfig) -> Void = { _ in },
        _ body: @Sendable (TestDatabases, TestSite, RouteAccessCatalog, [RegisteredRoute]) async throws -> Void
    ) async throws {
        var identityConfig = IdentityFixtures.config()
        configure(&identityConfig)
        let finalIdentity = identityConfig
        try await TestDatabases.with { dbs in
            let (tenant, slug) = try await dbs.makeTenant(prefix: "web")
            var config = try GlavitoConfig.load(from: [
                "GLAVITO_DATABASE_URL": try TestEnvironment.value("GLAVITO_TEST_DATABASE_URL"),
                "GLAVITO_PLATFORM_DATABASE_URL": try TestEnvironment.value("GLAVITO_TEST_PLATFORM_DATABASE_URL"),
                "GLAVITO_BASE_DOMAIN": "glavito.test", "GLAVITO_PUBLIC_URL": publicURL,
            ])
            config.identity = finalIdentity
            let catalog = RouteAccessCatalog()
            let router = try buildRouter(config: config, database: dbs.app, platformDatabase: dbs.platform, expectedSchemaVersion: 0,
                                         registry: PrometheusCollectorRegistry(), catalog: catalog)
            let routes = router.routes.map { RegisteredRoute(method: $0.method, path: $0.path.description) }
            let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)))
            let identity = try IdentityService(database: dbs.app, config: finalIdentity)
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
            do {
                try await app.test(.live) { testClient in
                    let site = TestSite(port: testClient.port ?? 0, host: "\(slug).glavito.test", tenant: tenant, identity: identity, client: client)
                    try await body(dbs, site, catalog, routes)
                }
            } catch {
                try await client.shutdown()
                throw error
            }
            try await client.shutdown()
        }
    }

    /// Sends a request; `form` becomes an urlencoded body, `body` is sent as is; `token` is sent as the session cookie.
    func send(_ method: HTTPMethod, _ path: String, form: [(String, String)]? = nil, body: String? = nil, token: String? = nil,
              headers extra: [(String, String)] = [], accept: String = "text/html", host: String? = nil,
              cookieName: String = "glavito_session") async throws -> Reply {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        request.headers.replaceOrAdd(name: "Host", value: host ?? self.host)
        request.headers.add(name: "Accept", value: accept)
        if let token { request.headers.add(name: "Cookie", value: "\(cookieName)=\(token)") }
        for (name, value) in extra { request.headers.add(name: name, value: value) }
        if let form {
            let encoded = form.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: encoded))
        }
        if let body { request.body = .bytes(ByteBuffer(string: body)) }
        let response = try await client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 4 << 20)
        return Reply(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: String(buffer: body))
    }

    /// Signs in with email and password; returns the session token (asserting the sign-in redirected).
    func signIn(_ email: String, _ password: String) async throws -> String? {
        let reply = try await send(.POST, "/login", form: [("email", email), ("password", password)])
        return reply.status == 303 ? reply.sessionToken : nil
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? text
    }
}
