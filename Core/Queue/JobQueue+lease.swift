import Foundation
import PostgresNIO

/// What a failed attempt led to.
public enum JobFailureOutcome: String, Sendable {
    /// Scheduled again after a back-off.
    case retrying
    /// Out of attempts: kept in the dead-letter state.
    case dead
}

/// A job the rescuer returned to the queue (or dead-lettered) after its lease expired.
public struct RescuedJob: Sendable, Equatable {
    /// The tenant.
    public let tenant: TenantID
    /// The job id.
    public let id: Int64
    /// The job kind.
    public let kind: String
    /// `available` or `dead`.
    public let state: String
}

extension JobQueue {
    /// The rescuer's advisory lock key ("gl-jobs" in ASCII): one rescuer of the fleet acts at a time.
    static let rescueLockKey: Int64 = 0x676c_2d6a_6f62_73

    /// Deletes the jobs whose leases `owner` still holds with these fencing tokens and returns the ids deleted.
    /// A lease that expired and moved to another worker is not matched: its id is missing from the result.
    /// With `recordHistory` a compact row per job goes to `job_history` in the same statement.
    public func complete(_ leases: [JobLease], owner: String, recordHistory: Bool = false) async throws -> Set<Int64> {
        guard !leases.isEmpty else { return [] }
        let tenants = leases.map(\.tenant.rawValue)
        let ids = leases.map(\.id)
        let fences = leases.map(\.fence)
        let logger = database.logger
        let query: PostgresQuery = recordHistory
            ? """
                WITH done AS (
                    DELETE FROM jobs j
                    USING unnest(\(tenants)::uuid[], \(ids)::int8[], \(fences)::int8[]) AS d (tenant_id, id, fence)
                    WHERE j.tenant_id = d.tenant_id AND j.id = d.id AND j.fence = d.fence
                      AND j.lease_owner = \(owner) AND j.state = 'running'
                    RETURNING j.tenant_id, j.id, j.kind, j.queue, j.attempt, j.created_at, j.updated_at
                )
                INSERT INTO job_history (tenant_id, job_id, kind, queue, outcome, attempt, created_at, started_at)
                SELECT tenant_id, id, kind, queue, 'completed', attempt, created_at, updated_at
                FROM done
                RETURNING job_id
                """
            : """
                DELETE FROM jobs j
                USING unnest(\(tenants)::uuid[], \(ids)::int8[], \(fences)::int8[]) AS d (tenant_id, id, fence)
                WHERE j.tenant_id = d.tenant_id AND j.id = d.id AND j.fence = d.fence
                  AND j.lease_owner = \(owner) AND j.state = 'running'
                RETURNING j.id
                """
        return try await database.withConnection { connection in
            var done: Set<Int64> = []
            for try await id in try await connection.checkedQuery(query, logger: logger).decode(Int64.self) { done.insert(id) }
            return done
        }
    }

    /// Records a failed attempt: back to `available` after `retryAfterSeconds`, or to `dead` when the attempts are
    /// used up. Returns `nil` when the lease was lost (the job belongs to another claim now).
    public func fail(_ job: JobRecord, error: String, retryAfterSeconds: Double) async throws -> JobFailureOutcome? {
        let logger = database.logger
        let message = String(error.prefix(2000))
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                UPDATE jobs
                SET state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'available' END,
                    run_at = CASE WHEN attempt >= max_attempts THEN run_at
                                  ELSE now() + make_interval(secs => \(retryAfterSeconds)) END,
                    lease_owner = NULL, lease_expires_at = NULL, last_error = \(message), updated_at = now()
                WHERE tenant_id = \(job.tenant.rawValue) AND id = \(job.id) AND fence = \(job.fence)
                  AND lease_owner = \(job.leaseOwner) AND state = 'running'
                RETURNING state
                """, logger: logger)
            for try await state in rows.decode(String.self) { return JobFailureOutcome(rawValue: state == "dead" ? "dead" : "retrying") }
            return nil
        }
    }

    /// Reschedules the job after `delay` without counting this attempt. Returns false when the lease was lost.
    public func snooze(_ job: JobRecord, for delay: Duration) async throws -> Bool {
        let seconds = JobBackoff.seconds(delay)
        let logger = database.logger
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                UPDATE jobs
                SET state = 'available', attempt = attempt - 1, run_at = now() + make_interval(secs => \(seconds)),
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE tenant_id = \(job.tenant.rawValue) AND id = \(job.id) AND fence = \(job.fence)
                  AND lease_owner = \(job.leaseOwner) AND state = 'running'
                RETURNING id
                """, logger: logger)
            for try await _ in rows.decode(Int64.self) { return true }
            return false
        }
    }

    /// Removes the job for good, recording it in `job_history` as cancelled. Returns false when the lease was lost.
    public func cancel(_ job: JobRecord, reason: String) async throws -> Bool {
        let logger = database.logger
        let message = String(reason.prefix(2000))
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                WITH gone AS (
                    DELETE FROM jobs
                    WHERE tenant_id = \(job.tenant.rawValue) AND id = \(job.id) AND fence = \(job.fence)
                      AND lease_owner = \(job.leaseOwner) AND state = 'running'
                    RETURNING tenant_id, id, kind, queue, attempt, created_at, updated_at
                )
                INSERT INTO job_history (tenant_id, job_id, kind, queue, outcome, attempt, last_error, created_at, started_at)
                SELECT tenant_id, id, kind, queue, 'cancelled', attempt, \(message), created_at, updated_at
                FROM gone
                RETURNING job_id
                """, logger: logger)
            for try await _ in rows.decode(Int64.self) { return true }
            return false
        }
    }

    /// Extends the leases `owner` still holds by `lease` and returns the ids extended; a missing id was lost.
    public func heartbeat(_ leases: [JobLease], owner: String, lease: Duration) async throws -> Set<Int64> {
        guard !leases.isEmpty else { return [] }
        let tenants = leases.map(\.tenant.rawValue)
        let ids = leases.map(\.id)
        let fences = leases.map(\.fence)
        let seconds = JobBackoff.seconds(lease)
        let logger = database.logger
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                UPDATE jobs j
                SET lease_expires_at = now() + make_interval(secs => \(seconds))
                FROM unnest(\(tenants)::uuid[], \(ids)::int8[], \(fences)::int8[]) AS d (tenant_id, id, fence)
                WHERE j.tenant_id = d.tenant_id AND j.id = d.id AND j.fence = d.fence
                  AND j.lease_owner = \(owner) AND j.state = 'running'
                RETURNING j.id
                """, logger: logger)
            var kept: Set<Int64> = []
            for try await id in rows.decode(Int64.self) { kept.insert(id) }
            return kept
        }
    }

    /// Hands leased jobs back at once (graceful shutdown): runnable now by any worker. A job that never started
    /// gets its attempt back; one interrupted mid-run keeps it counted.
    @discardableResult
    public func release(_ leases: [JobLease], owner: String, started: Bool) async throws -> Int {
        guard !leases.isEmpty else { return 0 }
        let tenants = leases.map(\.tenant.rawValue)
        let ids = leases.map(\.id)
        let fences = leases.map(\.fence)
        let refund: Int32 = started ? 0 : 1
        let logger = database.logger
        return try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("""
                UPDATE jobs j
                SET state = 'available', attempt = greatest(j.attempt - \(refund), 0), run_at = now(),
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = now(),
                    last_error = CASE WHEN \(started) THEN 'interrupted by worker shutdown' ELSE j.last_error END
                FROM unnest(\(tenants)::uuid[], \(ids)::int8[], \(fences)::int8[]) AS d (tenant_id, id, fence)
                WHERE j.tenant_id = d.tenant_id AND j.id = d.id AND j.fence = d.fence
                  AND j.lease_owner = \(owner) AND j.state = 'running'
                RETURNING j.id
                """, logger: logger)
            var count = 0
            for try await _ in rows.decode(Int64.self) { count += 1 }
            return count
        }
    }

    /// Returns jobs whose leases expired to the queue (the attempt stays counted; out of attempts means dead).
    /// Only one rescuer of the fleet acts at a time: returns `nil` when another holds the advisory lock.
    public func rescueExpiredLeases() async throws -> [RescuedJob]? {
        let logger = database.logger
        return try await database.withTransaction { connection in
            let locked = try await connection.checkedQuery(
                "SELECT pg_try_advisory_xact_lock(\(Self.rescueLockKey))", logger: logger
            )
            for try await acquired in locked.decode(Bool.self) where !acquired { return nil }
            let rows = try await connection.checkedQuery("""
                UPDATE jobs
                SET state = CASE WHEN attempt >= max_attempts THEN 'dead' ELSE 'available' END,
                    run_at = now(), last_error = 'lease expired: worker ' || lease_owner || ' stopped heartbeating',
                    lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
                WHERE state = 'running' AND lease_expires_at < now()
                RETURNING tenant_id, id, kind, state
                """, logger: logger)
            var rescued: [RescuedJob] = []
            for try await (tenant, id, kind, state) in rows.decode((UUID, Int64, String, String).self) {
                rescued.append(RescuedJob(tenant: TenantID(tenant), id: id, kind: kind, state: state))
            }
            return rescued
        }
    }
}
