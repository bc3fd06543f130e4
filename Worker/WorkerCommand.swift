import ArgumentParser
import Foundation
import GlavitoCore
import Logging
import Metrics
import Prometheus

/// `glavito-worker`: one process of the worker fleet.
@main
struct WorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "glavito-worker",
        abstract: "Run a Glavito worker process: claims and runs jobs until SIGTERM or SIGINT."
    )

    @Option(help: "Comma-separated queues to serve (overrides GLAVITO_WORKER_QUEUES).")
    var queues: String?

    @Option(help: "Concurrent job slots (overrides GLAVITO_WORKER_CONCURRENCY).")
    var concurrency: Int?

    func run() async throws {
        var environment = ProcessInfo.processInfo.environment
        if let queues { environment["GLAVITO_WORKER_QUEUES"] = queues }
        if let concurrency { environment["GLAVITO_WORKER_CONCURRENCY"] = String(concurrency) }
        let config: GlavitoConfig
        do {
            config = try GlavitoConfig.load(from: environment)
        } catch {
            FileHandle.standardError.write(Data("glavito-worker: \(error)\n".utf8))
            throw ExitCode(78)
        }
        LoggingBootstrap.bootstrap(format: config.logFormat, level: config.logLevel)
        let logger = Logger(label: "glavito.worker")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        do {
            let group = try await buildServiceGroup(config: config, logger: logger, registry: registry)
            try await group.run()
        } catch let error as MigrationError {
            logger.critical("refusing to start", metadata: ["glavito.reason": "\(error)"])
            FileHandle.standardError.write(Data("glavito-worker: \(error)\n".utf8))
            throw ExitCode(1)
        }
        logger.info("worker stopped")
    }
}
