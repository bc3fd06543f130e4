import GlavitoCore
import Logging
import ServiceLifecycle

/// The worker's job loop: claims jobs in batches into a bounded set of slots, runs each with its kind's handler,
/// and keeps the leases alive while they run.
///
/// Besides the dispatch loop it runs a LISTEN for wake-ups (coalesced), a jittered poll as the fallback, a
/// heartbeat, the completion flusher (completions are deleted in batches) and the maintenance loop (rescuer,
/// periodic scheduler, queue gauges). On graceful shutdown it stops claiming, lets in-flight jobs finish until
/// the deadline, then releases the rest at once so another worker can take them.
struct JobRunner: Service {
    let queue: JobQueue
    let appDatabase: Database
    let handlers: JobHandlers
    let settings: JobRunnerSettings
    let logger: Logger

    func run() async throws {
        var workerLogger = self.logger
        workerLogger[metadataKey: "glavito.worker"] = .string(settings.workerID)
        let logger = workerLogger
        let wake = WakeSignal()
        let flushWake = WakeSignal()
        let inFlight = InFlightJobs()
        logger.info("worker ready", metadata: [
            "glavito.queues": .string(settings.queues.joined(separator: ",")),
            "glavito.concurrency": "\(settings.concurrency)", "glavito.claim_strategy": .string(settings.strategy.rawValue),
        ])
        await withTaskGroup(of: Void.self) { helpers in
            helpers.addTask { await listen(wake: wake, logger: logger) }
            helpers.addTask { await pollTimer(wake: wake) }
            helpers.addTask { await heartbeats(inFlight: inFlight, logger: logger) }
            helpers.addTask { await maintenance(logger: logger) }
            helpers.addTask {
                do {
                    try await gracefulShutdown()
                } catch {
                    return
                }
                wake.fire()
                // Whatever hangs (a handler, or a database call that never returns), the process ends.
                ShutdownWatchdog.arm(after: settings.shutdownDeadline + .seconds(8), logger: logger)
            }
            await withTaskGroup(of: Void.self) { flusher in
                flusher.addTask { await flushCompletions(inFlight: inFlight, signal: flushWake, slotsFreed: wake, logger: logger) }
                await dispatch(wake: wake, flushWake: flushWake, inFlight: inFlight, logger: logger)
                flushWake.finish()
            }
            helpers.cancelAll()
        }
        logger.info("worker stopped claiming; all jobs finished or released")
    }

    /// Claims while slots are free, then waits for a wake-up (NOTIFY, poll tick, or a slot freed).
    func dispatch(wake: WakeSignal, flushWake: WakeSignal, inFlight: InFlightJobs, logger: Logger) async {
        await withDiscardingTaskGroup { slots in
            var wakeups = wake.stream.makeAsyncIterator()
            var failures = 0
            while !Task.isShuttingDownGracefully, !Task.isCancelled {
                let free = settings.concurrency - inFlight.heldCount
                if free > 0 {
                    let wanted = min(free, settings.claimBatch)
                    do {
                        let started = ContinuousClock.now
                        let jobs = try await queue.claim(
                            queues: settings.queues, limit: wanted, owner: settings.workerID, lease: settings.lease,
                            strategy: settings.strategy, maxTenants: settings.maxTenantsPerClaim,
                            tenants: settings.dedicatedTenants
                        )
                        JobMetrics.claimLatency(started.duration(to: .now))
                        JobMetrics.count("claimed", jobs: jobs)
                        if failures > 0 { logger.info("database reachable again; claiming") }
                        failures = 0
                        for job in jobs {
                            inFlight.start(job)
                            slots.addTask {
                                let completed = await execute(job, inFlight: inFlight, logger: logger)
                                inFlight.finish(job, completed: completed)
                                if completed { flushWake.fire() }
                                wake.fire()
                            }
                        }
                        if jobs.count == wanted { continue }
                    } catch {
                        failures += 1
                        if failures == 1 || failures % 20 == 0 {
                            logger.warning("claim failed; retrying", metadata: [
                                "glavito.error": "\(String(reflecting: error))", "glavito.failures": "\(failures)",
                            ])
                        }
                        try? await Task.sleep(for: .milliseconds(min(100 * failures, 2000)))
                        continue
                    }
                }
                _ = await wakeups.next()
            }
            await drain(slots: &slots, wakeups: &wakeups, inFlight: inFlight, logger: logger)
        }
    }

    /// Soft stop: in-flight jobs get until the deadline, then the rest are released and their slots cancelled.
    private func drain(
        slots: inout DiscardingTaskGroup, wakeups: inout AsyncStream<Void>.Iterator, inFlight: InFlightJobs, logger: Logger
    ) async {
        let deadline = ContinuousClock.now + settings.shutdownDeadline
        if inFlight.runningCount > 0 {
            logger.info("graceful stop: waiting for in-flight jobs", metadata: ["glavito.in_flight": "\(inFlight.runningCount)"])
        }
        while inFlight.runningCount > 0, ContinuousClock.now < deadline {
            _ = await wakeups.next()
        }
        let leftovers = inFlight.releaseRunning()
        guard !leftovers.isEmpty else { return }
        slots.cancelAll()
        do {
            let released = try await queue.release(leftovers.map(\.lease), owner: settings.workerID, started: true)
            logger.warning("shutdown deadline passed: released unfinished jobs", metadata: ["glavito.released": "\(released)"])
        } catch {
            logger.error("could not release jobs; the rescuer will return them when their leases expire", metadata: [
                "glavito.error": "\(String(reflecting: error))",
            ])
        }
        ShutdownWatchdog.arm(after: .seconds(5), logger: logger)
    }

    /// Deletes completed jobs in batches, guarded by lease owner and fence.
    func flushCompletions(inFlight: InFlightJobs, signal: WakeSignal, slotsFreed: WakeSignal, logger: Logger) async {
        var iterator = signal.stream.makeAsyncIterator()
        var finished = false
        var failures = 0
        while true {
            let batch = inFlight.takeCompleted(limit: 2000)
            if batch.isEmpty {
                if finished { return }
                if await iterator.next() == nil { finished = true }
                continue
            }
            if finished, failures >= 40 {
                logger.error("giving up on completions at shutdown; the rescuer will return those jobs", metadata: [
                    "glavito.jobs": "\(batch.count + inFlight.takeCompleted(limit: .max).count)",
                ])
                return
            }
            do {
                let done = try await queue.complete(batch.map(\.lease), owner: settings.workerID, recordHistory: settings.recordCompletions)
                failures = 0
                slotsFreed.fire()
                JobMetrics.count("succeeded", jobs: batch.filter { done.contains($0.id) })
                let lost = batch.filter { !done.contains($0.id) }
                if !lost.isEmpty {
                    JobMetrics.count("lease_lost", jobs: lost)
                    logger.warning("completed jobs whose lease had moved on; their effects may run again", metadata: [
                        "glavito.jobs": .string(lost.map { String($0.id) }.joined(separator: ",")),
                    ])
                }
            } catch {
                inFlight.restoreCompleted(batch)
                failures += 1
                logger.warning("completion flush failed; retrying", metadata: ["glavito.error": "\(String(reflecting: error))"])
                try? await Task.sleep(for: .milliseconds(250))
            }
        }
    }
}
