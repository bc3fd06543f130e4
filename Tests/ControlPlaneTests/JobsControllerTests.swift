import Foundation
import GlavitoCore
import GlavitoTestSupport
import Hummingbird
import HummingbirdTesting
import HTTPTypes
import Testing

@testable import ControlPlane

/// Stands in for TenantResolutionMiddleware, whose Host lookup the router test client cannot exercise (it fixes
/// the authority to localhost): resolves the tenant named by the `x-test-tenant` header.
struct TestTenantMiddleware: RouterMiddleware {
    typealias Context = GlavitoRequestContext
    let tenants: [String: TenantID]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if let slug = request.headers[HTTPField.Name("x-test-tenant")!], let id = tenants[slug] {
            context.tenant = ResolvedTenant(id: id, slug: slug, status: .active)
        }
        return try await next(request, context)
    }
}

@Suite("Jobs admin API")
struct JobsControllerTests {
    func withApp(
        tenants count: Int,
        _ body: @escaping @Sendable (TestDatabases, [(id: TenantID, slug: String)], any TestClientProtocol) async throws -> Void
    ) async throws {
        try await TestDatabases.with { dbs in
            var tenants: [(id: TenantID, slug: String)] = []
            for _ in 0..<count { tenants.append(try await dbs.makeTenant(prefix: "api")) }
            let router = Router(context: GlavitoRequestContext.self)
            router.addMiddleware {
                ErrorMiddleware()
                TestTenantMiddleware(tenants: Dictionary(uniqueKeysWithValues: tenants.map { ($0.slug, $0.id) }))
            }
            JobsController(database: dbs.app).addRoutes(to: router.group(context: TenantRequestContext.self))
            let resolved = tenants
            try await Application(router: router).test(.router) { client in try await body(dbs, resolved, client) }
        }
    }

    @Test("a tenant lists, retries and discards its dead jobs; other tenants and bad input get problems")
    func deadJobLifecycle() async throws {
        try await withApp(tenants: 2) { dbs, tenants, client in
            let tenant = tenants[0]
            let ids = try await dbs.app.withTenantTransaction(tenant.id) { connection in
                try await JobQueue.enqueue(
                    [try NewJob(kind: "delivery.email", maxAttempts: 1), try NewJob(kind: "delivery.email", maxAttempts: 1)],
                    tenant: tenant.id, on: connection, logger: TestDatabases.logger
                )
            }
            let queue = JobQueue(database: dbs.platform)
            for job in try await queue.claim(queues: ["delivery"], limit: 10, owner: "api-test", lease: .seconds(30), tenants: [tenant.id]) {
                #expect(try await queue.fail(job, error: "smtp refused", retryAfterSeconds: 0) == .dead)
            }
            let host: HTTPFields = [HTTPField.Name("x-test-tenant")!: tenant.slug]
            try await client.execute(uri: "/api/v1/jobs/stats", method: .get, headers: host) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                let queues = body?["queues"] as? [[String: Any]]
                #expect(queues?.first { $0["queue"] as? String == "delivery" }?["dead"] as? Int == 2)
            }
            try await client.execute(uri: "/api/v1/jobs?state=dead&limit=1", method: .get, headers: host) { response in
                #expect(response.status == .ok)
                let body = try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
                #expect((body?["jobs"] as? [[String: Any]])?.count == 1)
                #expect(body?["next"] as? Int == Int(ids[0]))
            }
            try await client.execute(uri: "/api/v1/jobs/\(ids[0])/retry", method: .post, headers: host) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/jobs/\(ids[1])/discard", method: .post, headers: host) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/api/v1/jobs/\(ids[1])/discard", method: .post, headers: host) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.contentType] == "application/problem+json")
            }
            try await client.execute(uri: "/api/v1/jobs/abc/retry", method: .post, headers: host) { response in
                #expect(response.status == .badRequest)
            }
            try await client.execute(uri: "/api/v1/jobs?state=exploded", method: .get, headers: host) { response in
                #expect(response.status == .badRequest)
            }
            let otherHost: HTTPFields = [HTTPField.Name("x-test-tenant")!: tenants[1].slug]
            try await client.execute(uri: "/api/v1/jobs/\(ids[0])/retry", method: .post, headers: otherHost) { response in
                #expect(response.status == .notFound, "another tenant cannot touch this tenant's job")
            }
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query("DELETE FROM jobs WHERE tenant_id = \(tenant.id.rawValue)", logger: TestDatabases.logger)
            }
        }
    }
}
