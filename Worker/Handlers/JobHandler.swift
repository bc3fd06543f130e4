import GlavitoCore
import Logging
import PostgresNIO

/// Runs the jobs of one kind. One type per kind, one file each under Worker/Handlers.
///
/// Execution is at-least-once: a handler may run again after a crash, a lost lease or a restart, so it must be
/// idempotent (derive idempotency keys from ``JobRecord/id`` or the payload). Throw ``JobControl`` to snooze or
/// cancel; any other error fails the attempt and retries with back-off.
protocol JobHandler: Sendable {
    /// The kind this handler runs, `<queue>.<name>`.
    static var kind: String { get }
    /// Runs one attempt of `job`.
    func run(_ job: JobRecord, context: JobContext) async throws
}

/// What a handler gets besides its job: a logger carrying the job's id, tenant and kind, and tenant-scoped
/// database access as the application role (row-level security applies).
struct JobContext: Sendable {
    /// Logs with `glavito.job`, `glavito.tenant` and `glavito.kind` on every line.
    let logger: Logger
    /// The application role's database.
    let database: Database
    /// The worker's id.
    let workerID: String

    /// Runs `body` in a transaction bound to the job's tenant.
    @discardableResult
    func withTenantTransaction<Result: Sendable>(
        _ job: JobRecord, _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await database.withTenantTransaction(job.tenant, body)
    }
}

/// The handlers a worker dispatches to, by kind.
struct JobHandlers: Sendable {
    private let byKind: [String: any JobHandler]

    init(_ handlers: [any JobHandler]) {
        var byKind: [String: any JobHandler] = [:]
        for handler in handlers { byKind[type(of: handler).kind] = handler }
        self.byKind = byKind
    }

    /// The handler for `kind`, if any.
    func handler(for kind: String) -> (any JobHandler)? { byKind[kind] }

    /// These handlers plus `handler` (replacing one of the same kind).
    func adding(_ handler: any JobHandler) -> JobHandlers {
        JobHandlers(Array(byKind.values) + [handler])
    }

    /// Every kind handled.
    var kinds: [String] { byKind.keys.sorted() }

    /// The handlers every worker registers.
    static var standard: JobHandlers {
        JobHandlers([NoopHandler(), ProbeHandler(), PurgeJobHistoryHandler()])
    }

    /// The standard handlers plus those that need configuration: the audit checkpoint signer when a master key
    /// or an audit signing key is configured.
    static func configured(_ config: GlavitoConfig) -> JobHandlers {
        var handlers: [any JobHandler] = [NoopHandler(), ProbeHandler(), PurgeJobHistoryHandler()]
        if let signer = try? config.identity.auditSigner() {
            handlers.append(AuditCheckpointHandler(log: AuditLog(signer: signer, checkpointEvery: config.identity.auditCheckpointEvery)))
        }
        return JobHandlers(handlers)
    }
}

/// A handler's complaint about its job that retrying will not fix on its own.
struct JobHandlerError: Error, CustomStringConvertible {
    let description: String
}
