import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@testable import Worker

@Suite("Job handlers")
struct HandlerTests {
    @Test("the periodic purge deletes only the tenant's job history older than its horizon")
    func purgeJobHistory() async throws {
        try await QueueHarness.with { h in
            let tenant = h.tenant
            _ = try await h.dbs.app.withTenantTransaction(tenant) { connection in
                try await connection.query("""
                    INSERT INTO job_history (tenant_id, job_id, kind, queue, outcome, attempt, created_at, finished_at)
                    VALUES (\(tenant.rawValue), 900000001, 'maintenance.noop', 'maintenance', 'completed', 1, now(), now() - interval '5 hours'),
                           (\(tenant.rawValue), 900000002, 'maintenance.noop', 'maintenance', 'completed', 1, now(), now() - interval '1 hour')
                    """, logger: TestDatabases.logger)
            }
            let job = JobRecord(
                tenant: tenant, id: 1, kind: PurgeJobHistoryHandler.kind, queue: "maintenance", priority: 0, attempt: 1,
                maxAttempts: 5, fence: 1, leaseOwner: "test", payload: "{\"hours\":3}", createdAt: Date(), runAt: Date()
            )
            try await PurgeJobHistoryHandler().run(job, context: JobContext(logger: TestDatabases.logger, database: h.dbs.app, workerID: "test"))
            #expect(try await h.history().map(\.id) == [900000002])
        }
    }
}
