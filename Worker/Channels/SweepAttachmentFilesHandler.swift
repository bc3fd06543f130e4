import Foundation
import GlavitoCore

/// `maintenance.sweep_attachment_files`: removes the tenant's stored files that no attachment row names and that were
/// last stored more than `grace_hours` (default 24) ago, and crash leftovers (``AttachmentFileSweep``). Periodic,
/// daily; running it again is harmless.
struct SweepAttachmentFilesHandler: JobHandler {
    static let kind = "maintenance.sweep_attachment_files"

    struct Payload: Codable {
        var graceHours: Int?

        enum CodingKeys: String, CodingKey {
            case graceHours = "grace_hours"
        }
    }

    let storage: LocalAttachmentStorage

    func run(_ job: JobRecord, context: JobContext) async throws {
        let hours = try job.decodePayload(as: Payload.self).graceHours ?? 24
        guard hours >= 1 else { throw JobControl.cancel(reason: "grace_hours must be at least 1") }
        let sweep = AttachmentFileSweep(storage: storage, grace: TimeInterval(hours) * 3600)
        let logger = context.logger
        let outcome = try await sweep.run(tenant: job.tenant) { keys in
            try await context.withTenantTransaction(job) { connection in
                try await AttachmentFileSweep.referencedKeys(keys, tenant: job.tenant, on: connection, logger: logger)
            }
        }
        logger.info("attachment files swept", metadata: [
            "glavito.examined": "\(outcome.examined)", "glavito.kept": "\(outcome.kept)", "glavito.removed": "\(outcome.removed)",
            "glavito.temporaries": "\(outcome.temporaries)", "glavito.restored": "\(outcome.restored)",
        ])
    }
}
