import Foundation
import Logging
import PostgresNIO

/// A job enqueued once per period for every active tenant (SLA sweeps, retention, reports).
public struct PeriodicSchedule: Sendable, Equatable {
    /// A stable name; with the period's start it is the unique key that makes one enqueue per period fleet-wide.
    public let name: String
    /// The job kind enqueued.
    public let kind: String
    /// The period length (whole seconds, at least one).
    public let every: Duration
    /// The payload of each job.
    public let payload: String
    /// The tenants it runs for; empty means every active tenant.
    public let tenants: [TenantID]

    /// Creates a schedule.
    public init(name: String, kind: String, every: Duration, payload: String = "{}", tenants: [TenantID] = []) {
        self.name = name
        self.kind = kind
        self.every = every
        self.payload = payload
        self.tenants = tenants
    }

    /// The start of the period containing `date`.
    public func periodStart(containing date: Date) -> Date {
        let length = max(1, every.components.seconds)
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        return Date(timeIntervalSince1970: TimeInterval(seconds - seconds % length))
    }
}

/// Enqueues the periodic jobs, exactly once per period across the fleet.
///
/// Any number of workers call ``tick(now:owner:)``; the first to insert `(schedule, period_start)` into
/// `job_schedule_periods` wins and enqueues one job per active tenant in the same transaction. The others find
/// the key taken and do nothing.
public struct PeriodicScheduler: Sendable {
    let database: Database
    /// The schedules.
    public let schedules: [PeriodicSchedule]

    /// Creates a scheduler on the platform role's `database`.
    public init(database: Database, schedules: [PeriodicSchedule]) {
        self.database = database
        self.schedules = schedules
    }

    /// Enqueues what is due at `now`; returns the schedules this call enqueued and how many jobs each.
    @discardableResult
    public func tick(now: Date = Date(), owner: String) async throws -> [String: Int] {
        var enqueued: [String: Int] = [:]
        let logger = database.logger
        for schedule in schedules {
            let period = schedule.periodStart(containing: now)
            let uniqueKey = "periodic:\(schedule.name):\(Int64(period.timeIntervalSince1970))"
            let queue = String(schedule.kind.prefix { $0 != "." })
            let tenants = schedule.tenants.map(\.rawValue)
            let count = try await database.withTransaction { connection -> Int? in
                let won = try await connection.checkedQuery("""
                    INSERT INTO job_schedule_periods (schedule, period_start, claimed_by)
                    VALUES (\(schedule.name), \(period), \(owner))
                    ON CONFLICT DO NOTHING
                    RETURNING schedule
                    """, logger: logger)
                var isWinner = false
                for try await _ in won.decode(String.self) { isWinner = true }
                guard isWinner else { return nil }
                let rows = try await connection.checkedQuery("""
                    INSERT INTO jobs (tenant_id, kind, queue, unique_key, payload, max_attempts)
                    SELECT t.id, \(schedule.kind), \(queue), \(uniqueKey), \(schedule.payload)::jsonb, 5
                    FROM tenants t
                    WHERE t.status = 'active' AND (cardinality(\(tenants)::uuid[]) = 0 OR t.id = ANY (\(tenants)::uuid[]))
                    ON CONFLICT (tenant_id, unique_key) WHERE unique_key IS NOT NULL AND state <> 'dead' DO NOTHING
                    RETURNING id
                    """, logger: logger)
                var inserted = 0
                for try await _ in rows.decode(Int64.self) { inserted += 1 }
                try await connection.checkedQuery("SELECT pg_notify(\(JobQueue.notifyChannel), \(queue))", logger: logger)
                try await connection.checkedQuery("""
                    DELETE FROM job_schedule_periods
                    WHERE schedule = \(schedule.name) AND period_start < now() - interval '7 days'
                    """, logger: logger)
                return inserted
            }
            if let count { enqueued[schedule.name] = count }
        }
        return enqueued
    }
}
