import ArgumentParser
import GlavitoCore
import Hummingbird
import Logging
import Metrics
import Prometheus

/// `glavito serve`: runs the HTTP control plane until SIGTERM or SIGINT, then stops gracefully.
struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the control plane HTTP server.")

    func run() async throws {
        let config = try CommandEnvironment.load()
        let logger = Logger(label: "glavito.control-plane")
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let app = try await buildApplication(config: config, registry: registry, logger: logger)
        logger.info("control plane starting", metadata: [
            "glavito.address": "\(config.httpHost):\(config.httpPort)", "glavito.base_domain": "\(config.baseDomain)",
        ])
        do {
            try await app.runService()
        } catch let error as MigrationError {
            logger.critical("refusing to start", metadata: ["glavito.reason": "\(error)"])
            throw CommandEnvironment.fail(error.description)
        }
        logger.info("control plane stopped")
    }
}
