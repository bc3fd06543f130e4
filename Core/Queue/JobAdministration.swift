import Foundation
import Logging
import PostgresNIO

/// Operator views and actions on jobs: stats, lists, retrying and discarding dead jobs.
///
/// Scoped to one tenant (as the application role, under row-level security: the admin API) or to every tenant
/// (as the platform role: the CLI), with the same queries either way.
public struct JobAdministration: Sendable {
    let database: Database
    /// The tenant whose jobs are visible, or `nil` for every tenant (platform role only).
    public let tenant: TenantID?

    /// Creates the views for `tenant` on `database` (the application role), or for all tenants when `tenant` is
    /// `nil` (then `database` must be the platform role).
    public init(database: Database, tenant: TenantID?) {
        self.database = database
        self.tenant = tenant
    }

    /// Runs `body` in a transaction, bound to the tenant when there is one.
    private func transaction<Result: Sendable>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        if let tenant { return try await database.withTenantTransaction(tenant, body) }
        return try await database.withTransaction(body)
    }

    /// Per-queue counts and the age of the oldest runnable job; every known queue appears.
    public func stats() async throws -> [QueueStats] {
        let logger = database.logger
        let found = try await transaction { connection in
            let rows = try await connection.checkedQuery("""
                SELECT queue,
                       count(*) FILTER (WHERE state = 'available')::int8,
                       count(*) FILTER (WHERE state = 'available' AND run_at <= now())::int8,
                       count(*) FILTER (WHERE state = 'running')::int8,
                       count(*) FILTER (WHERE state = 'dead')::int8,
                       coalesce(extract(epoch FROM now() - min(run_at) FILTER (WHERE state = 'available' AND run_at <= now())), 0)::float8
                FROM jobs
                GROUP BY queue
                """, logger: logger)
            var stats: [String: QueueStats] = [:]
            for try await (queue, available, runnable, running, dead, age) in rows.decode((String, Int64, Int64, Int64, Int64, Double).self) {
                stats[queue] = QueueStats(
                    queue: queue, available: Int(available), runnable: Int(runnable), running: Int(running),
                    dead: Int(dead), oldestRunnableAgeSeconds: age
                )
            }
            return stats
        }
        return JobQueues.all.map {
            found[$0] ?? QueueStats(queue: $0, available: 0, runnable: 0, running: 0, dead: 0, oldestRunnableAgeSeconds: 0)
        }
    }

    /// Jobs in `state` (any state when `nil`), oldest id first after `afterID` (keyset pagination), at most `limit`.
    public func list(state: String?, afterID: Int64 = 0, limit: Int = 50) async throws -> [JobSummary] {
        if let state, !["available", "running", "dead"].contains(state) {
            throw JobQueueError.invalidJob("state must be available, running or dead, got '\(state)'")
        }
        let logger = database.logger
        let bounded = min(max(limit, 1), 500)
        return try await transaction { connection in
            let rows = try await connection.checkedQuery("""
                SELECT tenant_id, id, kind, queue, state, priority, attempt, max_attempts, run_at, last_error, lease_owner
                FROM jobs
                WHERE (\(state)::text IS NULL OR state = \(state)::text) AND id > \(afterID)
                ORDER BY id
                LIMIT \(bounded)
                """, logger: logger)
            var jobs: [JobSummary] = []
            for try await c in rows.decode((UUID, Int64, String, String, String, Int16, Int32, Int32, Date, String?, String?).self) {
                jobs.append(JobSummary(
                    tenant: TenantID(c.0), id: c.1, kind: c.2, queue: c.3, state: c.4, priority: Int(c.5),
                    attempt: Int(c.6), maxAttempts: Int(c.7), runAt: c.8, lastError: c.9, leaseOwner: c.10
                ))
            }
            return jobs
        }
    }

    /// Makes a dead job runnable now with a fresh set of attempts.
    public func retry(id: Int64) async throws {
        let logger = database.logger
        do {
            try await transaction { connection in
                let rows = try await connection.checkedQuery("""
                    UPDATE jobs
                    SET state = 'available', attempt = 0, run_at = now(), updated_at = now()
                    WHERE id = \(id) AND state = 'dead'
                    RETURNING queue
                    """, logger: logger)
                var queue: String?
                for try await name in rows.decode(String.self) { queue = name }
                guard let queue else { throw JobQueueError.notFound(id) }
                try await connection.checkedQuery("SELECT pg_notify(\(JobQueue.notifyChannel), \(queue))", logger: logger)
            }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw JobQueueError.duplicateUniqueKey(id)
        }
    }

    /// Removes a dead job for good, recording it in the history as discarded.
    public func discard(id: Int64) async throws {
        let logger = database.logger
        try await transaction { connection in
            let rows = try await connection.checkedQuery("""
                WITH gone AS (
                    DELETE FROM jobs
                    WHERE id = \(id) AND state = 'dead'
                    RETURNING tenant_id, id, kind, queue, attempt, last_error, created_at
                )
                INSERT INTO job_history (tenant_id, job_id, kind, queue, outcome, attempt, last_error, created_at)
                SELECT tenant_id, id, kind, queue, 'discarded', attempt, last_error, created_at
                FROM gone
                RETURNING job_id
                """, logger: logger)
            for try await _ in rows.decode(Int64.self) { return }
            throw JobQueueError.notFound(id)
        }
    }
}
