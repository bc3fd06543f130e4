import GlavitoCore
import Hummingbird
import Logging
import Prometheus

/// Everything the control plane needs to run, built from the configuration. `glavito serve` and the tests build
/// the same application through ``buildApplication(config:registry:logger:)``.
func buildApplication(
    config: GlavitoConfig,
    registry: PrometheusCollectorRegistry,
    logger: Logger
) async throws -> some ApplicationProtocol {
    let database = Database(url: config.database, poolSize: config.databasePoolSize, logger: logger)
    let expectedVersion = try MigrationCatalog.expectedVersion()
    let router = try buildRouter(config: config, database: database, expectedSchemaVersion: expectedVersion, registry: registry)
    var app = Application(
        router: router,
        configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "glavito"),
        services: [database.client],
        logger: logger
    )
    app.beforeServerStarts {
        try await Migrator.checkSchema(of: database, expected: expectedVersion)
        logger.info("schema is current", metadata: ["glavito.schema_version": "\(expectedVersion)"])
    }
    return app
}

/// The router with its middleware and every controller's routes.
func buildRouter(
    config: GlavitoConfig,
    database: Database,
    expectedSchemaVersion: Int,
    registry: PrometheusCollectorRegistry
) throws -> Router<GlavitoRequestContext> {
    let router = Router(context: GlavitoRequestContext.self)
    router.addMiddleware {
        RequestIDMiddleware()
        ErrorMiddleware()
        MetricsMiddleware()
        LogRequestsMiddleware(.debug)
        TenantResolutionMiddleware(resolver: TenantResolver(database: database, baseDomain: config.baseDomain))
    }
    HealthController(database: database, expectedSchemaVersion: expectedSchemaVersion, registry: registry).addRoutes(to: router)
    try StaticAssets.load().addRoutes(to: router)
    LandingController(database: database).addRoutes(to: router.group(context: TenantRequestContext.self))
    JobsController(database: database).addRoutes(to: router.group(context: TenantRequestContext.self))
    return router
}
