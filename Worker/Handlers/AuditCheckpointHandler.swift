import GlavitoCore

/// `maintenance.audit_checkpoint`: signs an Ed25519 checkpoint at the head of the tenant's audit chain (periodic,
/// hourly), so that `glavito audit verify` can prove no entry before it was changed later. Idempotent: a head that
/// already has a checkpoint is left as it is.
struct AuditCheckpointHandler: JobHandler {
    static let kind = "maintenance.audit_checkpoint"

    /// The audit log with the configured signing key.
    let log: AuditLog

    func run(_ job: JobRecord, context: JobContext) async throws {
        let logger = context.logger
        try await context.withTenantTransaction(job) { connection in
            try await log.checkpointHead(tenant: job.tenant, on: connection, logger: logger)
        }
    }
}
