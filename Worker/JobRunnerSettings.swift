import Foundation
import GlavitoCore

/// How one worker process claims and runs jobs.
struct JobRunnerSettings: Sendable {
    /// This worker's id (host:pid), the lease owner of its jobs.
    var workerID: String
    /// The queues served.
    var queues: [String]
    /// Concurrent job slots.
    var concurrency: Int
    /// Most jobs per claim statement.
    var claimBatch: Int
    /// Lease length; heartbeats every third of it.
    var lease: Duration
    /// Mean polling interval (jittered ±50 %), the fallback when a NOTIFY is missed.
    var poll: Duration
    /// Mean interval of rescue, periodic scheduling and gauges (jittered ±50 %).
    var maintenanceInterval: Duration
    /// How long in-flight jobs may finish after a graceful stop begins before they are released.
    var shutdownDeadline: Duration
    /// Fair (round-robin over tenants) or global claims.
    var strategy: JobQueue.ClaimStrategy
    /// Most tenants one fair claim visits.
    var maxTenantsPerClaim: Int
    /// Whether completions leave a job_history row.
    var recordCompletions: Bool
    /// Hours of job_history kept by the periodic purge.
    var historyHours: Int
    /// Longest a job may run before its lease is left to expire.
    var jobTimeout: Duration
    /// Tenants served exclusively (empty: all).
    var dedicatedTenants: [TenantID]
    /// Back-off between failed attempts.
    var backoff = JobBackoff()
    /// Whether this worker can sign audit checkpoints (and so offers to schedule them).
    var signsAuditCheckpoints = false

    init(config: GlavitoConfig, workerID: String) {
        self.workerID = workerID
        self.queues = config.workerQueues
        self.concurrency = config.workerConcurrency
        self.claimBatch = config.jobs.claimBatch
        self.lease = .seconds(config.jobs.leaseSeconds)
        self.poll = .milliseconds(config.jobs.pollMilliseconds)
        self.maintenanceInterval = .seconds(config.jobs.maintenanceSeconds)
        self.shutdownDeadline = .seconds(config.shutdownTimeoutSeconds)
        self.strategy = JobQueue.ClaimStrategy(rawValue: config.jobs.claimStrategy) ?? .fair
        self.maxTenantsPerClaim = config.jobs.maxTenantsPerClaim
        self.recordCompletions = config.jobs.recordCompletions
        self.historyHours = config.jobs.historyHours
        self.dedicatedTenants = config.jobs.dedicatedTenants
        self.jobTimeout = .seconds(config.jobs.timeoutSeconds)
    }

    /// The periodic jobs every worker offers to schedule (one enqueue per period across the fleet).
    var schedules: [PeriodicSchedule] {
        var schedules = [PeriodicSchedule(
            name: "purge-job-history", kind: PurgeJobHistoryHandler.kind, every: .seconds(3600),
            payload: "{\"hours\":\(historyHours)}"
        )]
        schedules.append(PeriodicSchedule(name: "sweep-attachment-files", kind: SweepAttachmentFilesHandler.kind, every: .seconds(86_400)))
        if signsAuditCheckpoints {
            schedules.append(PeriodicSchedule(name: "audit-checkpoint", kind: AuditCheckpointHandler.kind, every: .seconds(3600)))
        }
        return schedules
    }

    /// `mean` scaled by a random factor in 0.5...1.5.
    static func jittered(_ mean: Duration) -> Duration {
        mean * Double.random(in: 0.5...1.5)
    }
}
