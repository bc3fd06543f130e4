import Foundation
import GlavitoCore
import GlavitoTestSupport
import Logging
import PostgresNIO

/// Helpers shared by the queue tests: enqueue as the application role, claim as the platform role restricted to
/// the test's own tenant (so parallel tests never take each other's jobs), and read a tenant's jobs.
struct QueueHarness: Sendable {
    let dbs: TestDatabases
    let tenant: TenantID
    var queue: JobQueue { JobQueue(database: dbs.platform) }

    static func with<Result: Sendable>(_ body: @Sendable (QueueHarness) async throws -> Result) async throws -> Result {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "q")
            return try await body(QueueHarness(dbs: dbs, tenant: tenant.id))
        }
    }

    @discardableResult
    func enqueue(_ jobs: [NewJob]) async throws -> [Int64] {
        let tenant = tenant
        return try await dbs.app.withTenantTransaction(tenant) { connection in
            try await JobQueue.enqueue(jobs, tenant: tenant, on: connection, logger: TestDatabases.logger)
        }
    }

    func claim(owner: String = "test-worker", limit: Int = 100, lease: Duration = .seconds(30), queues: [String] = JobQueues.all) async throws -> [JobRecord] {
        try await queue.claim(queues: queues, limit: limit, owner: owner, lease: lease, tenants: [tenant])
    }

    /// (id, state, attempt, last_error) of every job of the tenant, by id.
    func jobs() async throws -> [(id: Int64, state: String, attempt: Int, error: String?)] {
        let tenant = tenant
        return try await dbs.app.withTenantTransaction(tenant) { connection in
            let rows = try await connection.query(
                "SELECT id, state, attempt, last_error FROM jobs ORDER BY id", logger: TestDatabases.logger
            )
            var jobs: [(id: Int64, state: String, attempt: Int, error: String?)] = []
            for try await (id, state, attempt, error) in rows.decode((Int64, String, Int32, String?).self) {
                jobs.append((id, state, Int(attempt), error))
            }
            return jobs
        }
    }

    /// Seconds from now until each of the tenant's available jobs becomes runnable, by id.
    func secondsUntilRunnable() async throws -> [Int64: Double] {
        let tenant = tenant
        return try await dbs.app.withTenantTransaction(tenant) { connection in
            let rows = try await connection.query(
                "SELECT id, extract(epoch FROM run_at - now())::float8 FROM jobs WHERE state = 'available'",
                logger: TestDatabases.logger
            )
            var result: [Int64: Double] = [:]
            for try await (id, seconds) in rows.decode((Int64, Double).self) { result[id] = seconds }
            return result
        }
    }

    func history() async throws -> [(id: Int64, outcome: String)] {
        let tenant = tenant
        return try await dbs.app.withTenantTransaction(tenant) { connection in
            let rows = try await connection.query(
                "SELECT job_id, outcome FROM job_history ORDER BY job_id", logger: TestDatabases.logger
            )
            var result: [(id: Int64, outcome: String)] = []
            for try await (id, outcome) in rows.decode((Int64, String).self) { result.append((id, outcome)) }
            return result
        }
    }
}

func probe(_ key: String, sleepMs: Int = 0) throws -> NewJob {
    try NewJob(kind: "maintenance.probe", payload: "{\"key\":\"\(key)\",\"sleep_ms\":\(sleepMs)}")
}
