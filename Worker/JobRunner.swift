import GlavitoCore
import Logging
import ServiceLifecycle

/// The worker's job loop.
///
/// The job queue itself arrives with its own issue; until then the runner proves the process is wired correctly:
/// it checks the database on start and every `heartbeat`, and returns promptly on graceful shutdown.
struct JobRunner: Service {
    let database: Database
    let workerID: String
    let queues: [String]
    let concurrency: Int
    let logger: Logger
    var heartbeat: Duration = .seconds(15)

    func run() async throws {
        var logger = logger
        logger[metadataKey: "glavito.worker"] = .string(workerID)
        try await ping()
        logger.info("worker ready", metadata: [
            "glavito.queues": .string(queues.joined(separator: ",")), "glavito.concurrency": "\(concurrency)",
        ])
        while !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: heartbeat) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            do {
                try await ping()
            } catch {
                logger.warning("database unreachable; will retry", metadata: ["glavito.error": "\(error)"])
            }
        }
        logger.info("worker shutting down: no jobs in flight")
    }

    func ping() async throws {
        try await database.withConnection { connection in
            try await connection.query("SELECT 1", logger: logger)
        }
    }
}
