import GlavitoCore

/// `maintenance.noop`: does nothing. Measures the queue's own cost (bench/queue.sh) and checks a fleet is alive.
struct NoopHandler: JobHandler {
    static let kind = "maintenance.noop"

    func run(_ job: JobRecord, context: JobContext) async throws {}
}
