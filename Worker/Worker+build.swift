import Foundation
import GlavitoCore
import Logging
import Prometheus
import ServiceLifecycle

/// Assembles a worker process: the database clients first (so they stop last), then the job runner.
/// The schema version is checked before anything starts; a mismatch refuses to start.
///
/// Two clients: the platform role claims, completes and rescues across tenants; handlers do their tenant's data
/// work as the application role, under row-level security.
func buildServiceGroup(
    config: GlavitoConfig, logger: Logger, handlers: JobHandlers? = nil,
    registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()
) async throws -> ServiceGroup {
    let expected = try MigrationCatalog.expectedVersion()
    try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
        try await Migrator.checkSchema(of: database, expected: expected)
    }
    // The runner holds one connection for LISTEN and uses others to claim, flush, heartbeat and maintain.
    let platform = Database(url: config.platformDatabase, poolSize: max(config.databasePoolSize, 4), logger: logger)
    let app = Database(url: config.database, poolSize: config.databasePoolSize, logger: logger)
    let workerID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    let handlers = handlers ?? .configured(config)
    var settings = JobRunnerSettings(config: config, workerID: workerID)
    settings.signsAuditCheckpoints = handlers.handler(for: AuditCheckpointHandler.kind) != nil
    let runner = JobRunner(
        queue: JobQueue(database: platform), appDatabase: app, handlers: handlers, settings: settings, logger: logger
    )
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
        .init(service: platform.client),
        .init(service: app.client),
    ]
    if let metrics = WorkerMetricsEndpoint.service(config: config, registry: registry, logger: logger) {
        services.append(.init(service: metrics))
    }
    services.append(.init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup))
    return ServiceGroup(
        configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
}
