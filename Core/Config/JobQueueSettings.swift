/// Tuning of the job queue and its workers, from `GLAVITO_JOBS_*` (documented in docs/configuration.md).
public struct JobQueueSettings: Sendable, Equatable {
    /// Most jobs one claim statement takes (`GLAVITO_JOBS_CLAIM_BATCH`, default `100`).
    public var claimBatch: Int
    /// Lease length; workers heartbeat at a third of it (`GLAVITO_JOBS_LEASE_SECONDS`, default `30`).
    public var leaseSeconds: Int
    /// Mean interval of the polling fallback, jittered ±50 % (`GLAVITO_JOBS_POLL_MS`, default `1000`).
    public var pollMilliseconds: Int
    /// Mean interval of the rescuer, scheduler and queue gauges (`GLAVITO_JOBS_MAINTENANCE_SECONDS`, default `5`).
    public var maintenanceSeconds: Int
    /// `fair` (round-robin over tenants) or `global` (bench only; `GLAVITO_JOBS_CLAIM_STRATEGY`, default `fair`).
    public var claimStrategy: String
    /// Most tenants one fair claim visits (`GLAVITO_JOBS_MAX_TENANTS_PER_CLAIM`, default `64`).
    public var maxTenantsPerClaim: Int
    /// Whether completed jobs leave a row in job_history (`GLAVITO_JOBS_HISTORY`, default `off`).
    public var recordCompletions: Bool
    /// Hours job_history rows are kept (`GLAVITO_JOBS_HISTORY_HOURS`, default `72`).
    public var historyHours: Int
    /// Longest a job may run; past it the worker stops heartbeating it so its lease expires and the rescuer hands it
    /// to another worker (`GLAVITO_JOBS_TIMEOUT_SECONDS`, default `900`).
    public var timeoutSeconds: Int
    /// Tenants a dedicated worker serves exclusively (`GLAVITO_WORKER_TENANTS`, comma-separated ids; default all).
    public var dedicatedTenants: [TenantID]

    /// The defaults.
    public static let defaults = JobQueueSettings(
        claimBatch: 100, leaseSeconds: 30, pollMilliseconds: 1000, maintenanceSeconds: 5, claimStrategy: "fair",
        maxTenantsPerClaim: 64, recordCompletions: false, historyHours: 72, timeoutSeconds: 900, dedicatedTenants: []
    )

    static func load(from reader: EnvironmentReader) throws(ConfigError) -> JobQueueSettings {
        let strategy = try reader.string("GLAVITO_JOBS_CLAIM_STRATEGY", default: "fair").lowercased()
        guard strategy == "fair" || strategy == "global" else {
            throw ConfigError(key: "GLAVITO_JOBS_CLAIM_STRATEGY", problem: "must be fair or global, got '\(strategy)'")
        }
        var dedicated: [TenantID] = []
        for text in try reader.list("GLAVITO_WORKER_TENANTS", default: []) {
            guard let tenant = TenantID(uuidString: text) else {
                throw ConfigError(key: "GLAVITO_WORKER_TENANTS", problem: "must list tenant ids (UUIDs), got '\(text)'")
            }
            dedicated.append(tenant)
        }
        return JobQueueSettings(
            claimBatch: try reader.int("GLAVITO_JOBS_CLAIM_BATCH", default: 100, range: 1...5000),
            leaseSeconds: try reader.int("GLAVITO_JOBS_LEASE_SECONDS", default: 30, range: 3...86_400),
            pollMilliseconds: try reader.int("GLAVITO_JOBS_POLL_MS", default: 1000, range: 10...600_000),
            maintenanceSeconds: try reader.int("GLAVITO_JOBS_MAINTENANCE_SECONDS", default: 5, range: 1...3600),
            claimStrategy: strategy,
            maxTenantsPerClaim: try reader.int("GLAVITO_JOBS_MAX_TENANTS_PER_CLAIM", default: 64, range: 1...10_000),
            recordCompletions: try reader.bool("GLAVITO_JOBS_HISTORY", default: false),
            historyHours: try reader.int("GLAVITO_JOBS_HISTORY_HOURS", default: 72, range: 1...8760),
            timeoutSeconds: try reader.int("GLAVITO_JOBS_TIMEOUT_SECONDS", default: 900, range: 1...86_400),
            dedicatedTenants: dedicated
        )
    }
}
