import Foundation
import GlavitoCore

/// `maintenance.probe`: an end-to-end check of the fleet and of at-least-once execution.
///
/// Records every execution in `job_probe_runs`, optionally waits `sleep_ms` (a slow side effect), then records
/// the effect in `job_probe_effects` once per `key`: a per-key transaction lock and an existence check make the
/// effect idempotent however often the job runs. Payload: `{"key": "...", "sleep_ms": 0, "fail_times": 0}`
/// (`fail_times`: fail the first n attempts, to exercise retries).
struct ProbeHandler: JobHandler {
    static let kind = "maintenance.probe"

    struct Payload: Codable {
        var key: String
        var sleep_ms: Int?
        var fail_times: Int?
        var snooze_ms: Int?
    }

    func run(_ job: JobRecord, context: JobContext) async throws {
        let payload = try job.decodePayload(as: Payload.self)
        let logger = context.logger
        try await context.withTenantTransaction(job) { connection in
            try await connection.checkedQuery("""
                INSERT INTO job_probe_runs (tenant_id, probe_key, job_id, attempt, worker)
                VALUES (\(job.tenant.rawValue), \(payload.key), \(job.id), \(job.attempt), \(context.workerID))
                """, logger: logger)
        }
        if let failures = payload.fail_times, job.attempt <= failures {
            throw JobHandlerError(description: "probe failure \(job.attempt) of \(failures), as asked")
        }
        if let snooze = payload.snooze_ms, job.attempt == 1 {
            throw JobControl.snooze(.milliseconds(snooze))
        }
        if let sleep = payload.sleep_ms, sleep > 0 { try await Task.sleep(for: .milliseconds(sleep)) }
        try await context.withTenantTransaction(job) { connection in
            try await connection.checkedQuery("SELECT pg_advisory_xact_lock(hashtext(\(payload.key)))", logger: logger)
            try await connection.checkedQuery("""
                INSERT INTO job_probe_effects (tenant_id, probe_key, job_id)
                SELECT \(job.tenant.rawValue), \(payload.key), \(job.id)
                WHERE NOT EXISTS (
                    SELECT 1 FROM job_probe_effects e
                    WHERE e.tenant_id = \(job.tenant.rawValue) AND e.probe_key = \(payload.key)
                )
                """, logger: logger)
        }
    }
}
