import Foundation
import GlavitoCore
import GlavitoTestSupport
import NIOHTTP1
import Testing

@testable import ControlPlane

/// `/api/v1/webhooks` on a live control plane, called with API keys as an integration would.
@Suite("Webhooks admin API")
struct WebhooksControllerTests {
    static func object(_ reply: TestSite.Reply) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(reply.body.utf8))) as? [String: Any] ?? [:]
    }

    @Test("create (secret shown once), list, update, rotate, deliveries, redeliver, delete; bad input and other tenants get problems")
    func lifecycle() async throws {
        try await TestSite.with { dbs, site, _, _ in
            let admin = try await JobsControllerTests.key([.adminSettings], tenant: site.tenant, dbs: dbs)
            let json = "application/json"
            let jsonBody = [("Content-Type", "application/json")]
            func send(_ method: HTTPMethod, _ path: String, _ body: String? = nil, headers: [(String, String)]? = nil) async throws -> TestSite.Reply {
                try await site.send(method, path, body: body, headers: (headers ?? admin) + jsonBody, accept: json)
            }

            let created = try await send(.POST, "/api/v1/webhooks", #"{"url":"https://hooks.example.com/glavito","event_types":["ticket.*"]}"#)
            #expect(created.status == 201, "\(created.body)")
            let secret = try #require(Self.object(created)["secret"] as? String)
            #expect(secret.hasPrefix("whsec_") && WebhookSecret(encoded: secret)?.bytes.count == 32)
            let id = try #require((Self.object(created)["subscription"] as? [String: Any])?["id"] as? String)

            let list = try await send(.GET, "/api/v1/webhooks")
            #expect(list.status == 200)
            #expect(!list.body.contains(secret), "the secret is never listed")
            #expect((Self.object(list)["subscriptions"] as? [[String: Any]])?.count == 1)

            for bad in [#"{"url":"ftp://example.com","event_types":["*"]}"#, #"{"url":"http://127.0.0.1/x","event_types":["*"]}"#,
                        #"{"url":"https://example.com","event_types":["Not A Type"]}"#, #"{"nonsense":true}"#] {
                let refused = try await send(.POST, "/api/v1/webhooks", bad)
                #expect(refused.status == 400, "\(bad)")
                #expect(refused.header("Content-Type") == "application/problem+json")
            }

            let updated = try await send(.PATCH, "/api/v1/webhooks/\(id)", #"{"event_types":["ticket.created","message.*"]}"#)
            #expect(updated.status == 200)
            #expect(Self.object(updated)["event_types"] as? [String] == ["ticket.created", "message.*"])

            let rotated = try await send(.POST, "/api/v1/webhooks/\(id)/rotate-secret")
            let newSecret = try #require(Self.object(rotated)["secret"] as? String)
            #expect(newSecret != secret)

            // A logged attempt, then its redelivery through the API.
            let subscription = try #require(UUID(uuidString: id))
            let job = WebhookJob(subscription: subscription, stream: "ticket/1", version: 1, manual: false)
            let request = WebhookDeliveryStore.Request(url: "https://hooks.example.com/glavito", webhookID: "evt_1_1", body: "{}",
                                                       eventType: "ticket.created", attempt: 1)
            _ = try await dbs.app.withTenantTransaction(site.tenant) { connection in
                try await WebhookDeliveryStore(tenant: site.tenant, settings: .defaults, audit: nil).record(
                    job, request: request, outcome: .init(status: 503, durationMilliseconds: 12, error: nil, timestamp: 1),
                    on: connection, logger: TestDatabases.logger)
            }
            let deliveries = try await send(.GET, "/api/v1/webhooks/\(id)/deliveries?limit=10")
            #expect(deliveries.status == 200)
            let logged = try #require((Self.object(deliveries)["deliveries"] as? [[String: Any]])?.first)
            #expect(logged["response_status"] as? Int == 503 && logged["duration_ms"] as? Int == 12)
            let deliveryID = try #require(logged["id"] as? Int)
            let redelivered = try await send(.POST, "/api/v1/webhooks/\(id)/deliveries/\(deliveryID)/redeliver")
            #expect(redelivered.status == 202)
            #expect(try await send(.POST, "/api/v1/webhooks/\(id)/deliveries/999999/redeliver").status == 404)
            let jobs = try await dbs.app.withTenantTransaction(site.tenant) { connection in
                let rows = try await connection.query("SELECT count(*)::int FROM jobs WHERE kind = 'delivery.webhook'", logger: TestDatabases.logger)
                var count = 0
                for try await value in rows.decode(Int.self) { count = value }
                return count
            }
            #expect(jobs == 1, "the redelivery is queued")

            // Permissions and tenants.
            let reader = try await JobsControllerTests.key([.ticketsRead], tenant: site.tenant, dbs: dbs)
            #expect(try await send(.GET, "/api/v1/webhooks", headers: reader).status == 403)
            #expect(try await send(.GET, "/api/v1/webhooks/not-a-uuid").status == 400)
            #expect(try await send(.GET, "/api/v1/webhooks/\(UUID())").status == 404)

            let enabled = try await send(.POST, "/api/v1/webhooks/\(id)/enable")
            #expect(enabled.status == 200)
            #expect(try await send(.GET, "/api/v1/admin/notices").status == 200)
            let page = try await site.send(.GET, "/admin/webhooks", headers: admin, accept: "text/html")
            #expect(page.status == 200 && page.body.contains("https://hooks.example.com/glavito") && !page.body.contains(newSecret))
            #expect(try await send(.DELETE, "/api/v1/webhooks/\(id)").status == 204)
            #expect(try await send(.DELETE, "/api/v1/webhooks/\(id)").status == 404)

            let audited = try await dbs.app.withTenantTransaction(site.tenant) { connection in
                let rows = try await connection.query(
                    "SELECT action FROM audit_log WHERE tenant_id = \(site.tenant.rawValue) AND action LIKE 'webhook.%' ORDER BY seq",
                    logger: TestDatabases.logger)
                var actions: [String] = []
                for try await action in rows.decode(String.self) { actions.append(action) }
                return actions
            }
            #expect(audited == ["webhook.created", "webhook.updated", "webhook.secret_rotated", "webhook.redelivered",
                                "webhook.enabled", "webhook.deleted"])
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query("DELETE FROM jobs WHERE tenant_id = \(site.tenant.rawValue)", logger: TestDatabases.logger)
            }
        }
    }
}
