@testable import ControlPlane
import Foundation
import GlavitoCore
import GlavitoTestSupport
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Prometheus
import Testing

@Suite("Health, readiness, metrics and errors")
struct OperationalEndpointTests {
    @Test("/healthz answers, /readyz reports the current schema, /metrics speaks Prometheus text")
    func operational() async throws {
        let registry = PrometheusCollectorRegistry()
        let app = try await TestApplication.make(registry: registry)
        let expected = try MigrationCatalog.expectedVersion()
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body) == #"{"status":"ok"}"#)
            }
            try await client.execute(uri: "/readyz", method: .get) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains(#""schema_version":\#(expected)"#))
            }
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            }
        }
    }

    @Test("a host that names no tenant gets a clear 404: problem JSON for clients, a page for browsers")
    func unknownHost() async throws {
        let app = try await TestApplication.make()
        try await app.test(.router) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
                let problem = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect(problem?["type"] as? String == "https://glavito.dev/problems/unknown-tenant")
                #expect(problem?["status"] as? Int == 404)
                #expect((problem?["detail"] as? String)?.isEmpty == false)
            }
            try await client.execute(uri: "/", method: .get, headers: [.accept: "text/html"]) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(String(buffer: response.body).contains("No such workspace"))
            }
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
        }
    }

    @Test("every response carries a request id; a sane caller id is kept, a hostile one replaced")
    func requestIDs() async throws {
        let app = try await TestApplication.make()
        let header = HTTPField.Name("X-Request-Id")!
        try await app.test(.router) { client in
            try await client.execute(uri: "/healthz", method: .get, headers: [header: "lb-1234.abc"]) { response in
                #expect(response.headers[header] == "lb-1234.abc")
            }
            try await client.execute(uri: "/healthz", method: .get, headers: [header: "<script>alert(1)</script>"]) { response in
                let id = try #require(response.headers[header])
                #expect(!id.contains("<"))
                #expect(!id.isEmpty)
            }
        }
    }
}
