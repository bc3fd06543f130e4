import Foundation
import GlavitoCore
import Logging
import Prometheus
import ServiceLifecycle

/// Assembles a worker process: the database clients first (so they stop last), the webhook HTTP client, the
/// `webhooks` consumer group member (docs/webhooks.md), then the job runner.
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
    let httpClient = WebhookSender.makeClient()
    let storage = LocalAttachmentStorage(root: URL(fileURLWithPath: config.attachmentsDirectory))
    var handlers = (handlers ?? .configured(config)).adding(SweepAttachmentFilesHandler(storage: storage))
    if let masterKey = config.identity.masterKey {
        let keyRing = TenantKeyRing(masterKey: masterKey, previousKeys: config.identity.previousMasterKeys)
        let audit = AuditLog(signer: try config.identity.auditSigner(), checkpointEvery: config.identity.auditCheckpointEvery)
        handlers = handlers.adding(DeliverWebhookHandler(
            sender: WebhookSender(client: httpClient, settings: config.webhooks), keyRing: keyRing, audit: audit))
        // Channels (docs/conversations.md): sends, media downloads and template syncs.
        let graph = GraphAPIClient(client: httpClient)
        let support = OutboundSendSupport(keyRing: keyRing, doubt: .seconds(config.sendDoubtSeconds))
        let links = ChannelMediaLinks(masterKey: masterKey, publicURL: config.publicURL, baseDomain: config.baseDomain,
                                      lifetimeSeconds: config.channelMediaURLSeconds)
        handlers = handlers
            .adding(SendWhatsAppMessageHandler(graph: graph, support: support, storage: storage))
            .adding(SendInstagramMessageHandler(graph: graph, support: support, keyRing: keyRing, links: links))
            .adding(MakeThumbnailHandler(storage: storage))
            .adding(DownloadAttachmentHandler(graph: graph, keyRing: keyRing, storage: storage))
            .adding(SyncTemplatesHandler(graph: graph, keyRing: keyRing))
            .adding(SendEmailMessageHandler(keyRing: keyRing, defaultRelay: config.mail.defaultRelay, storage: storage))
    } else {
        logger.warning("GLAVITO_MASTER_KEY is not set: this worker cannot decrypt webhook secrets and does not deliver webhooks")
    }
    var settings = JobRunnerSettings(config: config, workerID: workerID)
    settings.signsAuditCheckpoints = handlers.handler(for: AuditCheckpointHandler.kind) != nil
    let dispatch: WebhookDispatchService? = !config.webhooks.dispatch ? nil : WebhookDispatchService(
        member: ConsumerGroupMember(group: WebhookDispatcher.group, member: "\(workerID):webhooks", database: platform),
        dispatcher: WebhookDispatcher(database: platform), logger: logger
    )
    let runner = JobRunner(
        queue: JobQueue(database: platform), appDatabase: app, handlers: handlers, settings: settings, logger: logger
    )
    var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
        .init(service: platform.client),
        .init(service: app.client),
        .init(service: HTTPClientService(client: httpClient)),
    ]
    if let metrics = WorkerMetricsEndpoint.service(config: config, registry: registry, logger: logger) {
        services.append(.init(service: metrics))
    }
    if let dispatch { services.append(.init(service: dispatch)) }
    services.append(.init(service: runner, successTerminationBehavior: .gracefullyShutdownGroup))
    return ServiceGroup(
        configuration: .init(
            services: services,
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger
        )
    )
}
