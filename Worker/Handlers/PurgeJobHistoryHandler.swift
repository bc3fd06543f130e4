import Foundation
import GlavitoCore

/// `maintenance.purge_job_history`: deletes a tenant's job_history rows older than `hours` (periodic, hourly).
struct PurgeJobHistoryHandler: JobHandler {
    static let kind = "maintenance.purge_job_history"

    struct Payload: Codable {
        var hours: Int?
    }

    func run(_ job: JobRecord, context: JobContext) async throws {
        let hours = try job.decodePayload(as: Payload.self).hours ?? 72
        let logger = context.logger
        try await context.withTenantTransaction(job) { connection in
            try await connection.checkedQuery("""
                DELETE FROM job_history
                WHERE tenant_id = \(job.tenant.rawValue) AND finished_at < now() - make_interval(hours => \(hours)::int4)
                """, logger: logger)
        }
    }
}
