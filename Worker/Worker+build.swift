import Foundation
import GlavitoCore
import Logging
import ServiceLifecycle

/// Assembles a worker process: the database client first (so it stops last), then the job runner.
/// The schema version is checked before anything starts; a mismatch refuses to start.
func buildServiceGroup(config: GlavitoConfig, logger: Logger) async throws -> ServiceGroup {
    let expected = try MigrationCatalog.expectedVersion()
    try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
        try await Migrator.checkSchema(of: database, expected: expected)
    }
    let database = Database(url: config.platformDatabase, poolSize: config.databasePoolSize, logger: logger)
    let workerID = "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
    let runner = JobRunner(
        database: database, workerID: workerID, queues: config.workerQueues,
        concurrency: config.workerConcurrency, logger: logger
    )
    return ServiceGroup(
        configuration: .init(
            services: [
                .init(service: database.client),
                .init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
}
