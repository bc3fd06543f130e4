import Foundation
import Logging
import PostgresNIO

/// The PostgreSQL job queue: enqueue inside any transaction; claim, complete, fail, snooze, cancel, heartbeat and
/// release as a worker.
///
/// Worker operations run on the platform role (they cross tenants); every state change after a claim is guarded
/// by the lease owner and the fencing token, so a worker whose lease expired and was re-claimed by another cannot
/// complete or fail the job any more. No transaction stays open while a handler runs. See docs/queue.md.
public struct JobQueue: Sendable {
    /// The NOTIFY channel enqueues wake workers on; the payload is the queue name.
    public static let notifyChannel = "glavito_jobs"

    /// The database worker operations use (the platform role).
    public let database: Database

    /// Creates a queue on `database`.
    public init(database: Database) {
        self.database = database
    }

    /// How a claim chooses among tenants.
    public enum ClaimStrategy: String, Sendable {
        /// Round-robin over the tenants with available work: every tenant gets a fair share of each batch.
        case fair
        /// Strictly by priority and run_at across all tenants. Needs an index that does not lead with tenant_id
        /// (not created by the migrations); kept to measure what fairness costs.
        case global
    }

    // MARK: Enqueue

    /// Inserts `jobs` for `tenant` on `connection`, inside the caller's transaction, and returns the ids inserted
    /// (a job whose unique key is pending already is skipped).
    ///
    /// With `notify` the transaction also sends one NOTIFY per queue (serialising commits; see docs/queue.md).
    /// Otherwise call ``JobWakeups/signal(queues:)`` after the commit, or rely on the workers' polling.
    @discardableResult
    public static func enqueue(
        _ jobs: [NewJob], tenant: TenantID, on connection: PostgresConnection, logger: Logger, notify: Bool = false
    ) async throws -> [Int64] {
        guard !jobs.isEmpty else { return [] }
        for job in jobs { try job.validate() }
        let kinds = jobs.map(\.kind)
        let queues = jobs.map(\.queue)
        let priorities = jobs.map { Int16($0.priority) }
        let delays = jobs.map(\.delaySeconds)
        let attempts = jobs.map { Int32($0.maxAttempts) }
        let uniqueKeys = jobs.map { $0.uniqueKey ?? "" }
        let payloads = jobs.map(\.payload)
        let rows = try await connection.checkedQuery("""
            INSERT INTO jobs (tenant_id, kind, queue, priority, run_at, max_attempts, unique_key, payload)
            SELECT \(tenant.rawValue), n.kind, n.queue, n.priority, now() + make_interval(secs => n.delay),
                   n.max_attempts, nullif(n.unique_key, ''), n.payload::jsonb
            FROM unnest(\(kinds)::text[], \(queues)::text[], \(priorities)::int2[], \(delays)::float8[],
                        \(attempts)::int4[], \(uniqueKeys)::text[], \(payloads)::text[])
                 AS n (kind, queue, priority, delay, max_attempts, unique_key, payload)
            ON CONFLICT (tenant_id, unique_key) WHERE unique_key IS NOT NULL AND state <> 'dead' DO NOTHING
            RETURNING id
            """, logger: logger)
        var ids: [Int64] = []
        for try await id in rows.decode(Int64.self) { ids.append(id) }
        if notify, !ids.isEmpty {
            let distinct = Array(Set(queues)).sorted()
            try await connection.checkedQuery("""
                SELECT pg_notify(\(notifyChannel), q)
                FROM unnest(\(distinct)::text[]) AS q
                """, logger: logger)
        }
        JobMetrics.enqueued(jobs, insertedCount: ids.count)
        return ids
    }

    // MARK: Claim

    /// Claims up to `limit` runnable jobs of `queues` in one statement (`FOR UPDATE SKIP LOCKED`), stamping a
    /// lease of `lease` for `owner`, counting the attempt and advancing the fencing token.
    ///
    /// The fair strategy visits at most `maxTenants` tenants with available work, starting at a random point of
    /// the tenant ring, gives each (tenant, queue) an equal share of the batch, then fills what is left.
    /// Non-empty `tenants` restricts the claim to those tenants (dedicated workers; hermetic tests).
    public func claim(
        queues: [String], limit: Int, owner: String, lease: Duration,
        strategy: ClaimStrategy = .fair, maxTenants: Int = 64, tenants: [TenantID] = []
    ) async throws -> [JobRecord] {
        guard limit > 0, !queues.isEmpty else { return [] }
        let leaseSeconds = JobBackoff.seconds(lease)
        let query: PostgresQuery = switch strategy {
        case .fair:
            Self.fairClaim(
                queues: queues, limit: limit, owner: owner, leaseSeconds: leaseSeconds, maxTenants: maxTenants,
                tenants: tenants.map(\.rawValue)
            )
        case .global:
            Self.globalClaim(queues: queues, limit: limit, owner: owner, leaseSeconds: leaseSeconds, tenants: tenants.map(\.rawValue))
        }
        let logger = database.logger
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery(query, logger: logger)
            var jobs: [JobRecord] = []
            for try await columns in rows.decode(JobRecord.Columns.self) { jobs.append(JobRecord(columns)) }
            return jobs
        }
    }

    // `unescaped:` below only ever receives JobRecord.selectList, a compile-time constant column list.

    static func fairClaim(
        queues: [String], limit: Int, owner: String, leaseSeconds: Double, maxTenants: Int, tenants: [UUID]
    ) -> PostgresQuery {
        let start = UUID()
        return """
            WITH RECURSIVE upper_ring (tenant_id, n) AS (
                SELECT (SELECT j.tenant_id FROM jobs j WHERE j.state = 'available' AND j.tenant_id >= \(start)
                        ORDER BY j.tenant_id LIMIT 1), 1
                UNION ALL
                SELECT (SELECT j.tenant_id FROM jobs j WHERE j.state = 'available' AND j.tenant_id > u.tenant_id
                        ORDER BY j.tenant_id LIMIT 1), u.n + 1
                FROM upper_ring u
                WHERE u.tenant_id IS NOT NULL AND u.n < \(maxTenants)
            ), lower_ring (tenant_id, n) AS (
                SELECT (SELECT j.tenant_id FROM jobs j WHERE j.state = 'available' AND j.tenant_id < \(start)
                        ORDER BY j.tenant_id LIMIT 1), 1
                UNION ALL
                SELECT (SELECT j.tenant_id FROM jobs j WHERE j.state = 'available' AND j.tenant_id > l.tenant_id
                          AND j.tenant_id < \(start)
                        ORDER BY j.tenant_id LIMIT 1), l.n + 1
                FROM lower_ring l
                WHERE l.tenant_id IS NOT NULL AND l.n < \(maxTenants)
            ), active AS MATERIALIZED (
                SELECT ring.tenant_id, q.queue
                FROM (
                    SELECT tenant_id FROM upper_ring WHERE tenant_id IS NOT NULL AND cardinality(\(tenants)::uuid[]) = 0
                    UNION ALL
                    SELECT tenant_id FROM lower_ring WHERE tenant_id IS NOT NULL AND cardinality(\(tenants)::uuid[]) = 0
                    UNION ALL
                    SELECT unnest(\(tenants)::uuid[])
                    LIMIT \(maxTenants)
                ) ring
                CROSS JOIN unnest(\(queues)::text[]) AS q (queue)
            ), fair AS MATERIALIZED (
                SELECT p.ctid, p.id
                FROM active a
                CROSS JOIN LATERAL (
                    SELECT j.ctid, j.id
                    FROM jobs j
                    WHERE j.tenant_id = a.tenant_id AND j.queue = a.queue AND j.state = 'available' AND j.run_at <= now()
                    ORDER BY j.priority, j.run_at, j.id
                    LIMIT (SELECT (\(limit) + count(*) - 1) / count(*) FROM active)
                    FOR UPDATE SKIP LOCKED
                ) p
                LIMIT \(limit)
            ), fill AS MATERIALIZED (
                SELECT p.ctid
                FROM active a
                CROSS JOIN LATERAL (
                    SELECT j.ctid
                    FROM jobs j
                    WHERE j.tenant_id = a.tenant_id AND j.queue = a.queue AND j.state = 'available' AND j.run_at <= now()
                      AND j.id NOT IN (SELECT f.id FROM fair f)
                    ORDER BY j.priority, j.run_at, j.id
                    LIMIT \(limit)
                    FOR UPDATE SKIP LOCKED
                ) p
                LIMIT (SELECT \(limit) - count(*) FROM fair)
            )
            UPDATE jobs j
            SET state = 'running', attempt = j.attempt + 1, lease_owner = \(owner),
                lease_expires_at = now() + make_interval(secs => \(leaseSeconds)), fence = j.fence + 1, updated_at = now()
            WHERE j.ctid = ANY (ARRAY(SELECT ctid FROM fair UNION ALL SELECT ctid FROM fill))
            RETURNING \(unescaped: JobRecord.selectList)
            """
    }

    static func globalClaim(queues: [String], limit: Int, owner: String, leaseSeconds: Double, tenants: [UUID]) -> PostgresQuery {
        """
        WITH picked AS MATERIALIZED (
            SELECT j.ctid
            FROM jobs j
            WHERE j.state = 'available' AND j.run_at <= now() AND j.queue = ANY (\(queues)::text[])
              AND (cardinality(\(tenants)::uuid[]) = 0 OR j.tenant_id = ANY (\(tenants)::uuid[]))
            ORDER BY j.priority, j.run_at, j.id
            LIMIT \(limit)
            FOR UPDATE SKIP LOCKED
        )
        UPDATE jobs j
        SET state = 'running', attempt = j.attempt + 1, lease_owner = \(owner),
            lease_expires_at = now() + make_interval(secs => \(leaseSeconds)), fence = j.fence + 1, updated_at = now()
        WHERE j.ctid = ANY (ARRAY(SELECT ctid FROM picked))
        RETURNING \(unescaped: JobRecord.selectList)
        """
    }
}
