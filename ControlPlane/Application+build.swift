import Foundation
import GlavitoCore
import Hummingbird
import HummingbirdWebSocket
import Logging
import Prometheus
import ServiceLifecycle

/// Everything the control plane needs to run, built from the configuration. `glavito serve` and the tests build
/// the same application through ``buildApplication(config:registry:logger:)``.
func buildApplication(
    config: GlavitoConfig,
    registry: PrometheusCollectorRegistry,
    logger: Logger
) async throws -> some ApplicationProtocol {
    let database = Database(url: config.database, poolSize: config.databasePoolSize, logger: logger)
    // The audited platform role: only the platform operators' realm uses it.
    let platformDatabase = Database(url: config.platformDatabase, poolSize: 2, logger: logger)
    // Live updates read every tenant's events as the platform role, on their own small pool (one connection
    // LISTENs for appends; see LiveEventHub).
    let liveDatabase = Database(url: config.platformDatabase, poolSize: 3, logger: logger)
    var liveSettings = LiveEventHub.Settings()
    liveSettings.connectionsPerPrincipal = config.liveMaxConnections
    liveSettings.busyPoll = .milliseconds(config.livePollMilliseconds)
    let hub = LiveEventHub(database: liveDatabase, settings: liveSettings)
    let identity = try IdentityService(database: database, config: config.identity)
    let expectedVersion = try MigrationCatalog.expectedVersion()
    let router = try buildRouter(config: config, database: database, platformDatabase: platformDatabase,
                                 expectedSchemaVersion: expectedVersion, registry: registry, identity: identity, live: hub)
    let webSocketRouter = buildWebSocketRouter(config: config, database: database, identity: identity, live: hub)
    var services: [any Service] = [database.client, platformDatabase.client, liveDatabase.client, hub]
    if config.mail.port != 0 {
        services.append(try SMTPServer(settings: config.mail, database: database, keyRing: identity.keyRing,
                                       storage: LocalAttachmentStorage(root: URL(fileURLWithPath: config.attachmentsDirectory)), logger: logger))
    }
    var app = Application(
        router: router,
        // Pings find connections whose peer vanished without closing (a killed browser tab), so they end and free
        // their slots.
        server: .http1WebSocketUpgrade(webSocketRouter: webSocketRouter,
                                       configuration: WebSocketServerConfiguration(autoPing: .enabled(timePeriod: .seconds(config.livePingSeconds)))),
        configuration: .init(address: .hostname(config.httpHost, port: config.httpPort), serverName: "glavito"),
        services: services,
        logger: logger
    )
    app.beforeServerStarts {
        try await Migrator.checkSchema(of: database, expected: expectedVersion)
        logger.info("schema is current", metadata: ["glavito.schema_version": "\(expectedVersion)"])
    }
    return app
}

/// The router with its middleware and every controller's routes.
/// Every route declares its ``Access``; `catalog` records the declarations (a test holds them against the router).
func buildRouter(
    config: GlavitoConfig,
    database: Database,
    platformDatabase: Database,
    expectedSchemaVersion: Int,
    registry: PrometheusCollectorRegistry,
    catalog: RouteAccessCatalog = RouteAccessCatalog(),
    identity: IdentityService? = nil,
    live: LiveEventHub? = nil
) throws -> Router<GlavitoRequestContext> {
    let identity = try identity ?? IdentityService(database: database, config: config.identity)
    let overTLS = config.publicURL.lowercased().hasPrefix("https://")
    let cookie = SessionCookie(overTLS: overTLS)
    let router = Router(context: GlavitoRequestContext.self)
    router.addMiddleware {
        RequestIDMiddleware()
        SecurityHeadersMiddleware(overTLS: overTLS)
        ErrorMiddleware()
        TenantResolutionMiddleware(resolver: TenantResolver(database: database, baseDomain: config.baseDomain))
        MetricsMiddleware()
        LogRequestsMiddleware(.debug)
        AuthenticationMiddleware(identity: identity, cookie: cookie)
        RateLimitMiddleware(limiter: RateLimiter(limit: config.identity.apiRequestsPerMinute))
    }
    HealthController(database: database, expectedSchemaVersion: expectedSchemaVersion, registry: registry, eventLog: platformDatabase)
        .addRoutes(to: router)
    try StaticAssets.load().addRoutes(to: router)
    let tenantRoutes = router.group(context: TenantRequestContext.self)
    LandingController(database: database).addRoutes(to: tenantRoutes)
    for path in ["/healthz", "/readyz", "/metrics", "/static/**", "/", "/branding.css"] {
        catalog.declare(.public, .get, RouterPath(path).description)
    }
    let secured = SecuredRoutes(group: tenantRoutes, catalog: catalog)
    LoginController(identity: identity, cookie: cookie).addRoutes(to: secured)
    PasswordResetController(identity: identity).addRoutes(to: secured)
    AccountController(identity: identity, cookie: cookie).addRoutes(to: secured)
    AdminUsersController(identity: identity).addRoutes(to: secured)
    AdminKeysAuditController(identity: identity).addRoutes(to: secured)
    IdentityAPIController(identity: identity).addRoutes(to: secured)
    JobsController(database: database).addRoutes(to: secured)
    EventsController(database: database).addRoutes(to: secured)
    WebhooksController(identity: identity, settings: config.webhooks).addRoutes(to: secured)
    let conversations = ConversationAPI(identity: identity)
    TicketsController(api: conversations, storage: LocalAttachmentStorage(root: URL(fileURLWithPath: config.attachmentsDirectory)),
                      signer: config.identity.masterKey.map { AttachmentURLSigner(masterKey: $0) })
        .addRoutes(to: secured)
    ContactsController(api: conversations).addRoutes(to: secured)
    TicketMovesController(api: conversations).addRoutes(to: secured)
    BrandingController(api: conversations).addRoutes(to: secured)
    SavedFiltersController(api: conversations).addRoutes(to: secured)
    ChannelsController(api: conversations, publicURL: config.publicURL).addRoutes(to: secured)
    WorkspaceController(api: conversations, database: database).addRoutes(to: secured)
    PresenceController(api: conversations).addRoutes(to: secured)
    TicketFieldsController(api: conversations).addRoutes(to: secured)
    CannedResponsesController(api: conversations).addRoutes(to: secured)
    TeamsController(api: conversations).addRoutes(to: secured)
    if let masterKey = config.identity.masterKey {
        AttachmentsController(api: conversations, signer: AttachmentURLSigner(masterKey: masterKey),
                              storage: LocalAttachmentStorage(root: URL(fileURLWithPath: config.attachmentsDirectory))).addRoutes(to: secured)
    }
    WebChatController(identity: identity).addRoutes(to: tenantRoutes, secured: secured, catalog: catalog, api: conversations)
    ChannelWebhookController(identity: identity, ingestTransactions: config.ingestTransactions).addRoutes(to: router, catalog: catalog)
    LiveController(hub: live ?? LiveEventHub(database: platformDatabase), database: database,
                   keepAlive: .seconds(config.liveKeepAliveSeconds), recheck: .seconds(config.liveRecheckSeconds)).addRoutes(to: secured)
    let operators = PlatformOperators(platform: platformDatabase, hasher: identity.hasher,
                                      masterKey: try config.identity.requireMasterKey(), config: config.identity)
    PlatformController(operators: operators, platform: platformDatabase, cookie: SessionCookie(overTLS: overTLS, baseName: "glavito_platform"))
        .addRoutes(to: router, catalog: catalog)
    return router
}

/// The router that decides WebSocket upgrades (only requests carrying `Upgrade: websocket` reach it): the tenant and
/// the caller are resolved as on the main router, and a declined upgrade falls through to the main router, which
/// answers with the reason.
func buildWebSocketRouter(
    config: GlavitoConfig, database: Database, identity: IdentityService, live: LiveEventHub
) -> Router<GlavitoRequestContext> {
    let overTLS = config.publicURL.lowercased().hasPrefix("https://")
    let router = Router(context: GlavitoRequestContext.self)
    router.addMiddleware {
        RequestIDMiddleware()
        TenantResolutionMiddleware(resolver: TenantResolver(database: database, baseDomain: config.baseDomain))
        AuthenticationMiddleware(identity: identity, cookie: SessionCookie(overTLS: overTLS))
    }
    LiveController(hub: live, database: database, recheck: .seconds(config.liveRecheckSeconds)).addWebSocketRoute(to: router)
    WebChatController(identity: identity)
        .addWebSocketRoute(to: router, hub: live, storage: LocalAttachmentStorage(root: URL(fileURLWithPath: config.attachmentsDirectory)))
    return router
}
