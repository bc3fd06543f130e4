import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO

/// Real `glavito-worker` processes dedicated to one test tenant, and the probe bookkeeping the process tests check.
struct WorkerFleet {
    let tenant: TenantID
    var settings: [String: String]

    init(tenant: TenantID, settings: [String: String] = [:]) {
        self.tenant = tenant
        self.settings = [
            "GLAVITO_WORKER_TENANTS": tenant.description,
            "GLAVITO_WORKER_CONCURRENCY": "8",
            "GLAVITO_JOBS_LEASE_SECONDS": "3",
            "GLAVITO_JOBS_MAINTENANCE_SECONDS": "1",
            "GLAVITO_JOBS_POLL_MS": "200",
            "GLAVITO_DB_POOL_SIZE": "6",
            "GLAVITO_SHUTDOWN_TIMEOUT": "3",
            // Queue tests measure the queue: no webhook consumer polling the log alongside (the webhook tests turn it on).
            "GLAVITO_WEBHOOKS_DISPATCH": "off",
        ].merging(settings) { _, new in new }
    }

    /// Starts a worker and waits until it is ready; `environment` overrides the test database URLs if given.
    func start(environment: [String: String]? = nil) async throws -> ManagedProcess {
        let binary = try TestEnvironment.binDirectory().appendingPathComponent("glavito-worker")
        let base = try environment ?? TestEnvironment.processEnvironment()
        let worker = try ManagedProcess(executable: binary, arguments: [], environment: base.merging(settings) { _, new in new })
        guard try await worker.waitForOutput(containing: "worker ready", timeout: .seconds(30)) else {
            throw FleetError(message: "worker did not start:\n\(worker.output.suffix(2000))")
        }
        return worker
    }

    struct FleetError: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// Effects recorded per probe key with the given prefix, runs, and pending jobs of the tenant.
    struct ProbeTally: Sendable {
        var distinctEffects: Int
        var duplicateEffects: Int
        var runs: Int
        var pendingJobs: Int
    }

    static func tally(_ database: Database, tenant: TenantID, prefix: String) async throws -> ProbeTally {
        try await database.withTenantTransaction(tenant) { connection in
            let rows = try await connection.query("""
                SELECT
                    (SELECT count(DISTINCT probe_key) FROM job_probe_effects WHERE probe_key LIKE \(prefix + "%"))::int8,
                    (SELECT count(*) - count(DISTINCT probe_key) FROM job_probe_effects WHERE probe_key LIKE \(prefix + "%"))::int8,
                    (SELECT count(*) FROM job_probe_runs WHERE probe_key LIKE \(prefix + "%"))::int8,
                    (SELECT count(*) FROM jobs)::int8
                """, logger: TestDatabases.logger)
            for try await (effects, duplicates, runs, pending) in rows.decode((Int64, Int64, Int64, Int64).self) {
                return ProbeTally(distinctEffects: Int(effects), duplicateEffects: Int(duplicates), runs: Int(runs), pendingJobs: Int(pending))
            }
            return ProbeTally(distinctEffects: 0, duplicateEffects: 0, runs: 0, pendingJobs: 0)
        }
    }

    /// The tenant's jobs still in the table, one line each (state, attempt, run_at, lease, last error): what a
    /// failed expectation on pending jobs prints.
    static func pendingJobs(_ database: Database, tenant: TenantID) async throws -> String {
        try await database.withTenantTransaction(tenant) { connection in
            let rows = try await connection.query("""
                SELECT format('%s %s %s attempt=%s run_at=%s (now %s) lease=%s/%s error=%s',
                              id, kind, state, attempt, run_at, now(), lease_owner, lease_expires_at, left(last_error, 300))
                FROM jobs ORDER BY id
                """, logger: TestDatabases.logger)
            var lines: [String] = []
            for try await line in rows.decode(String.self) { lines.append(line) }
            return lines.joined(separator: "\n")
        }
    }

    /// Polls ``tally(_:tenant:prefix:)`` until `expected` effects are in and no job is pending, or the timeout.
    static func waitForAll(_ database: Database, tenant: TenantID, prefix: String, expected: Int, timeout: Duration) async throws -> ProbeTally {
        let deadline = ContinuousClock.now + timeout
        var tally = try await tally(database, tenant: tenant, prefix: prefix)
        while (tally.distinctEffects < expected || tally.pendingJobs > 0), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            tally = try await Self.tally(database, tenant: tenant, prefix: prefix)
        }
        return tally
    }

    static func enqueueProbes(_ database: Database, tenant: TenantID, keys: [String], sleepMs: Int) async throws {
        let jobs = try keys.map { try probe($0, sleepMs: sleepMs) }
        try await database.withTenantTransaction(tenant) { connection in
            try await JobQueue.enqueue(jobs, tenant: tenant, on: connection, logger: TestDatabases.logger, notify: true)
        }
    }
}
