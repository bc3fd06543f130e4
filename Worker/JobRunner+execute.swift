import GlavitoCore
import Logging

extension JobRunner {
    /// Runs one job with its handler and settles failures, snoozes and cancels. Returns true when the job
    /// succeeded (its completion is then flushed in a batch).
    func execute(_ job: JobRecord, inFlight: InFlightJobs, logger: Logger) async -> Bool {
        var logger = logger
        logger[metadataKey: "glavito.job"] = "\(job.id)"
        logger[metadataKey: "glavito.tenant"] = .string(job.tenant.description)
        logger[metadataKey: "glavito.kind"] = .string(job.kind)
        logger[metadataKey: "glavito.attempt"] = "\(job.attempt)"
        guard let handler = handlers.handler(for: job.kind) else {
            await settleFailure(job, message: "no handler for kind \(job.kind) on this worker", logger: logger)
            return false
        }
        let started = ContinuousClock.now
        do {
            try await handler.run(job, context: JobContext(logger: logger, database: appDatabase, workerID: settings.workerID))
            JobMetrics.runDuration(started.duration(to: .now), kind: job.kind)
            logger.debug("job succeeded")
            return true
        } catch let control as JobControl {
            await settle(logger: logger) {
                switch control {
                case .snooze(let delay):
                    let kept = try await queue.snooze(job, for: delay)
                    JobMetrics.count("snoozed", queue: job.queue, kind: job.kind)
                    logger.info("job snoozed", metadata: ["glavito.delay": "\(delay)", "glavito.lease_kept": "\(kept)"])
                case .cancel(let reason):
                    let kept = try await queue.cancel(job, reason: reason)
                    JobMetrics.count("cancelled", queue: job.queue, kind: job.kind)
                    logger.info("job cancelled", metadata: ["glavito.reason": .string(reason), "glavito.lease_kept": "\(kept)"])
                }
            }
            return false
        } catch {
            if inFlight.wasReleased(job.id) {
                logger.info("job interrupted by shutdown and released")
                return false
            }
            await settleFailure(job, message: String(describing: error), logger: logger)
            return false
        }
    }

    private func settleFailure(_ job: JobRecord, message: String, logger: Logger) async {
        let delay = settings.backoff.delaySeconds(afterAttempt: job.attempt)
        await settle(logger: logger) {
            switch try await queue.fail(job, error: message, retryAfterSeconds: delay) {
            case .retrying:
                JobMetrics.count("failed", queue: job.queue, kind: job.kind)
                JobMetrics.count("retried", queue: job.queue, kind: job.kind)
                logger.warning("job failed; will retry", metadata: [
                    "glavito.error": .string(message), "glavito.retry_in_seconds": "\(Int(delay.rounded()))",
                ])
            case .dead:
                JobMetrics.count("failed", queue: job.queue, kind: job.kind)
                JobMetrics.count("dead", queue: job.queue, kind: job.kind)
                logger.error("job failed for the last time; dead-lettered", metadata: ["glavito.error": .string(message)])
            case nil:
                JobMetrics.count("lease_lost", queue: job.queue, kind: job.kind)
                logger.warning("job failed after its lease moved on; the failure is not recorded")
            }
        }
    }

    /// Runs a settling statement, retrying briefly through connection trouble; after that the lease expires and
    /// the rescuer returns the job.
    private func settle(logger: Logger, _ body: () async throws -> Void) async {
        for attempt in 1...5 {
            do {
                try await body()
                return
            } catch {
                if attempt == 5 {
                    logger.error("could not record the job's outcome; the rescuer will return it", metadata: [
                        "glavito.error": "\(String(reflecting: error))",
                    ])
                    return
                }
                try? await Task.sleep(for: .milliseconds(200 * attempt))
            }
        }
    }
}
