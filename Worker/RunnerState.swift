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
        var running: [Int64: JobRecord] = [:]
        var completed: [JobRecord] = []
        var released: Set<Int64> = []
    }
    private let state = Mutex(State())

    var runningCount: Int { state.withLock { $0.running.count } }

    func start(_ job: JobRecord) { state.withLock { _ = $0.running.updateValue(job, forKey: job.id) } }

    /// The job finished its slot; when `completed`, it waits for the next completion flush.
    func finish(_ job: JobRecord, completed: Bool) {
        state.withLock {
            $0.running[job.id] = nil
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

    /// Every lease still held: running and awaiting completion.
    func leases() -> [JobLease] {
        state.withLock { $0.running.values.map(\.lease) + $0.completed.map(\.lease) }
    }

    /// Marks every running job as released by shutdown and returns them.
    func releaseRunning() -> [JobRecord] {
        state.withLock { state in
            let jobs = Array(state.running.values)
            state.released.formUnion(jobs.map(\.id))
            return jobs
        }
    }

    func wasReleased(_ id: Int64) -> Bool { state.withLock { $0.released.contains(id) } }
}
