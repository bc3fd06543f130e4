import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@testable import ControlPlane

/// `/api/v1/jobs` on a live control plane, called with API keys as an integration would.
@Suite("Jobs admin API")
struct JobsControllerTests {
    static func key(_ scopes: Set<Permission>, tenant: TenantID, dbs: TestDatabases) async throws -> [(String, String)] {
        let created = try await dbs.app.withTenantTransaction(tenant) { connection in
            try await APIKeyStore(tenant: tenant).create(name: "ops", scopes: scopes, expiresAt: nil, createdBy: nil,
                                                         on: connection, logger: dbs.app.logger)
        }
        return [("Authorization", "Bearer \(created.key)")]
    }

    static func deadJobs(_ count: Int, tenant: TenantID, dbs: TestDatabases) async throws -> [Int64] {
        let ids = try await dbs.app.withTenantTransaction(tenant) { connection in
            try await JobQueue.enqueue(
                try (0..<count).map { _ in try NewJob(kind: "delivery.email", maxAttempts: 1) },
                tenant: tenant, on: connection, logger: TestDatabases.logger
            )
        }
        let queue = JobQueue(database: dbs.platform)
        for job in try await queue.claim(queues: ["delivery"], limit: 10, owner: "api-test", lease: .seconds(30), tenants: [tenant]) {
            #expect(try await queue.fail(job, error: "smtp refused", retryAfterSeconds: 0) == .dead)
        }
        return ids
    }

    @Test("a tenant lists, retries and discards its dead jobs; other tenants, missing permissions and bad input get problems")
    func deadJobLifecycle() async throws {
        try await TestSite.with { dbs, site, _, _ in
            let ids = try await Self.deadJobs(2, tenant: site.tenant, dbs: dbs)
            let admin = try await Self.key([.adminSettings], tenant: site.tenant, dbs: dbs)
            let json = "application/json"

            let stats = try await site.send(.GET, "/api/v1/jobs/stats", headers: admin, accept: json)
            #expect(stats.status == 200)
            let queues = (try JSONSerialization.jsonObject(with: Data(stats.body.utf8)) as? [String: Any])?["queues"] as? [[String: Any]]
            #expect(queues?.first { $0["queue"] as? String == "delivery" }?["dead"] as? Int == 2)

            let page = try await site.send(.GET, "/api/v1/jobs?state=dead&limit=1", headers: admin, accept: json)
            #expect(page.status == 200)
            let body = try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any]
            #expect((body?["jobs"] as? [[String: Any]])?.count == 1)
            #expect(body?["next"] as? Int == Int(ids[0]))

            #expect(try await site.send(.POST, "/api/v1/jobs/\(ids[0])/retry", headers: admin, accept: json).status == 200)
            #expect(try await site.send(.POST, "/api/v1/jobs/\(ids[1])/discard", headers: admin, accept: json).status == 200)
            let again = try await site.send(.POST, "/api/v1/jobs/\(ids[1])/discard", headers: admin, accept: json)
            #expect(again.status == 404)
            #expect(again.header("Content-Type") == "application/problem+json")
            #expect(try await site.send(.POST, "/api/v1/jobs/abc/retry", headers: admin, accept: json).status == 400)
            #expect(try await site.send(.GET, "/api/v1/jobs?state=exploded", headers: admin, accept: json).status == 400)

            // Without the permission: refused. Unauthenticated: refused.
            let reader = try await Self.key([.ticketsRead], tenant: site.tenant, dbs: dbs)
            #expect(try await site.send(.GET, "/api/v1/jobs/stats", headers: reader, accept: json).status == 403)
            #expect(try await site.send(.GET, "/api/v1/jobs/stats", accept: json).status == 401)

            // Another tenant's dead job is invisible through this tenant's key.
            let other = try await dbs.makeTenant(prefix: "api")
            let foreign = try await Self.deadJobs(1, tenant: other.id, dbs: dbs)
            let cross = try await site.send(.POST, "/api/v1/jobs/\(foreign[0])/retry", headers: admin, accept: json)
            #expect(cross.status == 404, "another tenant cannot touch this tenant's job")
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query(
                    "DELETE FROM jobs WHERE tenant_id = ANY(\([site.tenant.rawValue, other.id.rawValue]))", logger: TestDatabases.logger
                )
            }
        }
    }
}
