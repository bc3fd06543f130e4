import Foundation
import GlavitoCore
import Logging
import PostgresNIO

extension JobRunner {
    /// LISTENs for enqueue wake-ups on a dedicated connection and fires `wake` for the queues served; reconnects
    /// after errors (the poll covers the gap).
    func listen(wake: WakeSignal, logger: Logger) async {
        let served = Set(settings.queues)
        while !Task.isCancelled {
            do {
                try await queue.database.withConnection { connection in
                    try await connection.listen(on: JobQueue.notifyChannel) { notifications in
                        wake.fire()
                        for try await notification in notifications where served.contains(notification.payload) {
                            wake.fire()
                        }
                    }
                }
            } catch {
                if Task.isCancelled { return }
                logger.debug("listen connection lost; reconnecting", metadata: ["glavito.error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: .seconds(1))
        }
    }

    /// The polling fallback: a wake-up every `poll`, jittered ±50 %.
    func pollTimer(wake: WakeSignal) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: JobRunnerSettings.jittered(settings.poll))
            wake.fire()
        }
    }

    /// Extends every held lease each third of the lease length.
    func heartbeats(inFlight: InFlightJobs, logger: Logger) async {
        while !Task.isCancelled {
            try? await Task.sleep(for: settings.lease / 3)
            if Task.isCancelled { return }
            let (leases, overdue) = inFlight.leasesToExtend(timeout: settings.jobTimeout)
            for job in overdue {
                logger.error("job ran past its timeout; leaving its lease to expire so another worker takes it", metadata: [
                    "glavito.job": "\(job.id)", "glavito.tenant": .string(job.tenant.description), "glavito.kind": .string(job.kind),
                ])
            }
            guard !leases.isEmpty else { continue }
            do {
                let kept = try await queue.heartbeat(leases, owner: settings.workerID, lease: settings.lease)
                let lost = leases.count - kept.count
                if lost > 0 {
                    logger.warning("leases lost while running; those jobs may run twice", metadata: ["glavito.lost": "\(lost)"])
                }
            } catch {
                logger.warning("heartbeat failed", metadata: ["glavito.error": "\(String(reflecting: error))"])
            }
        }
    }

    /// The rescuer (one at a time across the fleet), the periodic scheduler and the queue gauges.
    func maintenance(logger: Logger) async {
        let scheduler = PeriodicScheduler(database: queue.database, schedules: settings.schedules)
        let administration = JobAdministration(database: queue.database, tenant: nil)
        while !Task.isCancelled {
            do {
                if let rescued = try await queue.rescueExpiredLeases(), !rescued.isEmpty {
                    for job in rescued { JobMetrics.count("rescued", queue: String(job.kind.prefix { $0 != "." }), kind: job.kind) }
                    logger.warning("rescued jobs whose leases expired", metadata: [
                        "glavito.rescued": "\(rescued.count)",
                        "glavito.dead": "\(rescued.filter { $0.state == "dead" }.count)",
                    ])
                }
                // Dedicated workers (serving named tenants only) leave periodic scheduling to the general fleet.
                let enqueued = settings.dedicatedTenants.isEmpty ? try await scheduler.tick(owner: settings.workerID) : [:]
                for (name, count) in enqueued {
                    logger.info("periodic jobs enqueued", metadata: ["glavito.schedule": .string(name), "glavito.jobs": "\(count)"])
                }
                for stats in try await administration.stats() { JobMetrics.queueGauges(stats) }
            } catch {
                if Task.isCancelled { return }
                logger.warning("queue maintenance failed; will retry", metadata: ["glavito.error": "\(String(reflecting: error))"])
            }
            try? await Task.sleep(for: JobRunnerSettings.jittered(settings.maintenanceInterval))
        }
    }
}
