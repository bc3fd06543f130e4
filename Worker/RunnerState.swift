import GlavitoCore
import Synchronization

/// A coalescing wake-up: any number of `fire()`s before the consumer looks count as one.
final class WakeSignal: Sendable {
    let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    func fire() { continuation.yield() }

    func finish() { continuation.finish() }
}

/// The jobs a worker holds right now: running in a slot, or done and waiting for the completion flush.
final class InFlightJobs: Sendable {
    private struct State {
        var running: [Int64: (job: JobRecord, started: ContinuousClock.Instant)] = [:]
        var overdue: Set<Int64> = []
        var completed: [JobRecord] = []
        var released: Set<Int64> = []
    }
    private let state = Mutex(State())

    var runningCount: Int { state.withLock { $0.running.count } }

    /// Jobs running plus jobs done but not yet flushed: both still hold a lease, so both count against the slots
    /// (otherwise claims could outrun completion flushes without bound). Jobs past their timeout do not: their
    /// leases are left to expire and another worker runs them, and a handler stuck for good (a database call that
    /// never returns) must not keep its slot, or a worker whose slots all hang would never claim again.
    var heldCount: Int { state.withLock { $0.running.count - $0.overdue.count + $0.completed.count } }

    func start(_ job: JobRecord) { state.withLock { _ = $0.running.updateValue((job, .now), forKey: job.id) } }

    /// The job finished its slot; when `completed`, it waits for the next completion flush.
    func finish(_ job: JobRecord, completed: Bool) {
        state.withLock {
            $0.running[job.id] = nil
            $0.overdue.remove(job.id)
            if completed { $0.completed.append(job) }
        }
    }

    /// Takes up to `limit` completed jobs for a flush.
    func takeCompleted(limit: Int) -> [JobRecord] {
        state.withLock { state in
            let batch = Array(state.completed.prefix(limit))
            state.completed.removeFirst(batch.count)
            return batch
        }
    }

    /// Puts back completions whose flush failed.
    func restoreCompleted(_ jobs: [JobRecord]) { state.withLock { $0.completed.insert(contentsOf: jobs, at: 0) } }

    var hasCompleted: Bool { state.withLock { !$0.completed.isEmpty } }

    /// The leases to extend: jobs awaiting completion and jobs running for less than `timeout`. Also returns the
    /// jobs that just passed `timeout`: their leases are left to expire so the rescuer hands them on.
    func leasesToExtend(timeout: Duration) -> (leases: [JobLease], newlyOverdue: [JobRecord]) {
        state.withLock { state in
            let now = ContinuousClock.now
            var leases = state.completed.map(\.lease)
            var newlyOverdue: [JobRecord] = []
            for (id, entry) in state.running {
                if entry.started.duration(to: now) < timeout {
                    leases.append(entry.job.lease)
                } else if state.overdue.insert(id).inserted {
                    newlyOverdue.append(entry.job)
                }
            }
            return (leases, newlyOverdue)
        }
    }

    /// Marks every running job as released by shutdown and returns them.
    func releaseRunning() -> [JobRecord] {
        state.withLock { state in
            let jobs = state.running.values.map(\.job)
            state.released.formUnion(jobs.map(\.id))
            return jobs
        }
    }

    func wasReleased(_ id: Int64) -> Bool { state.withLock { $0.released.contains(id) } }
}
