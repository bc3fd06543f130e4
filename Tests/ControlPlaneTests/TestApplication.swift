@testable import ControlPlane
import GlavitoCore
import GlavitoTestSupport
import Hummingbird
import Logging
import Prometheus

/// Builds the real control plane application against the test database.
enum TestApplication {
    static func make(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) async throws -> some ApplicationProtocol {
        let config = try GlavitoConfig.load(from: TestEnvironment.processEnvironment(extra: ["GLAVITO_HTTP_PORT": "0"]))
        return try await buildApplication(config: config, registry: registry, logger: TestDatabases.logger)
    }
}
