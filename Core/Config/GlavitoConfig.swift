import Logging

/// The one typed configuration of a Glavito process, read once at start from `GLAVITO_*` environment variables.
///
/// Every key, its default and its meaning are listed in docs/configuration.md. ``load(from:)`` validates all keys
/// and throws a ``ConfigError`` naming the first offending key, so a process refuses to boot on a bad value.
public struct GlavitoConfig: Sendable {
    /// Address the HTTP server binds to (`GLAVITO_HTTP_HOST`, default `127.0.0.1`).
    public var httpHost: String
    /// Port the HTTP server binds to (`GLAVITO_HTTP_PORT`, default `8080`; `0` picks a free port).
    public var httpPort: Int
    /// Base domain under which tenants live as `<slug>.<baseDomain>` (`GLAVITO_BASE_DOMAIN`, default `localhost`).
    public var baseDomain: String
    /// Public base URL printed to operators (`GLAVITO_PUBLIC_URL`, default `http://<baseDomain>:<port>`).
    public var publicURL: String
    /// Connection of the application role, which cannot bypass row-level security (`GLAVITO_DATABASE_URL`).
    public var database: DatabaseURL
    /// Connection of the audited platform role used for cross-tenant work (`GLAVITO_PLATFORM_DATABASE_URL`).
    public var platformDatabase: DatabaseURL
    /// Connection of the schema owner, used only by `glavito migrate` (`GLAVITO_OWNER_DATABASE_URL`).
    public var ownerDatabase: DatabaseURL?
    /// Maximum pooled connections per client (`GLAVITO_DB_POOL_SIZE`, default `10`).
    public var databasePoolSize: Int
    /// Minimum log level (`GLAVITO_LOG_LEVEL`, default `info`).
    public var logLevel: Logger.Level
    /// Log line format, `json` or `text` (`GLAVITO_LOG_FORMAT`, default `json`).
    public var logFormat: LogFormat
    /// Seconds a process waits for in-flight work on SIGTERM before it stops anyway (`GLAVITO_SHUTDOWN_TIMEOUT`, default `30`).
    public var shutdownTimeoutSeconds: Int
    /// Job queues a worker serves (`GLAVITO_WORKER_QUEUES`, default all).
    public var workerQueues: [String]
    /// Concurrent job slots per worker (`GLAVITO_WORKER_CONCURRENCY`, default `8`).
    public var workerConcurrency: Int
    /// Port of a worker's own `/metrics` and `/healthz` listener on `httpHost` (`GLAVITO_WORKER_METRICS_PORT`,
    /// default `0`: no listener). Each worker on a host needs its own port; `infra/workers.sh` assigns them.
    public var workerMetricsPort: Int = 0
    /// Seconds between keep-alive comments on an idle Server-Sent Events stream (`GLAVITO_LIVE_SSE_KEEPALIVE_SECONDS`,
    /// default `15`), so proxies keep the connection and a vanished client is noticed.
    public var liveKeepAliveSeconds: Int = 15
    /// Seconds between checks that a live connection's session or API key still holds
    /// (`GLAVITO_LIVE_RECHECK_SECONDS`, default 30).
    public var liveRecheckSeconds: Int = 30
    /// Live connections one user or API key may hold open per control-plane process
    /// (`GLAVITO_LIVE_MAX_CONNECTIONS`, default 20).
    public var liveMaxConnections: Int = 20
    /// Milliseconds between the live hub's polls of the log while events keep coming
    /// (`GLAVITO_LIVE_POLL_MILLISECONDS`, default 5): shorter lowers latency, longer sends fewer, larger frames.
    public var livePollMilliseconds: Int = 5
    /// Seconds between WebSocket pings; a peer that does not answer is disconnected (`GLAVITO_LIVE_PING_SECONDS`,
    /// default 30).
    public var livePingSeconds: Int = 30
    /// Where attachments are stored, content-addressed per tenant (`GLAVITO_ATTACHMENTS_DIR`, default
    /// `.data/attachments` under the working directory).
    public var attachmentsDirectory = ".data/attachments"
    /// Seconds an outbound message whose send attempt ended without an answer (the worker died mid-request) waits
    /// for a status webhook naming it before it is sent again (`GLAVITO_CHANNELS_SEND_DOUBT_SECONDS`).
    public var sendDoubtSeconds = 60
    /// Channel-webhook ingest transactions one tenant may run at once per control-plane process; webhooks arriving
    /// meanwhile wait and commit together in the next one (`GLAVITO_CHANNELS_INGEST_TRANSACTIONS`, default 2: two overlap the server's work with the database's, and more only make smaller groups that cost more per message; docs/conversations.md).
    public var ingestTransactions = 2
    /// Seconds a signed attachment URL handed to a channel stays valid (`GLAVITO_CHANNELS_MEDIA_URL_SECONDS`, default
    /// 3600, at most 86400): Instagram fetches an outbound file from its URL some time after the send.
    public var channelMediaURLSeconds = 3600
    /// Identity and access: password hashing, sessions, throttling, keys (see ``IdentityConfig``).
    public var identity: IdentityConfig
    /// The job queue's tuning (`GLAVITO_JOBS_*`; see docs/configuration.md and docs/queue.md).
    public var jobs: JobQueueSettings
    /// Outgoing webhook delivery (`GLAVITO_WEBHOOKS_*`; see docs/webhooks.md).
    public var webhooks: WebhookSettings
    /// The SMTP listener and the default outbound relay (`GLAVITO_SMTP_*`; see docs/email.md).
    public var mail = MailSettings()

    /// The format of log lines.
    public enum LogFormat: String, Sendable {
        case json
        case text
    }

    /// Reads and validates the configuration from an environment dictionary.
    public static func load(from environment: [String: String]) throws(ConfigError) -> GlavitoConfig {
        let reader = EnvironmentReader(environment)
        let port = try reader.int("GLAVITO_HTTP_PORT", default: 8080, range: 0...65535)
        let baseDomain = try reader.string("GLAVITO_BASE_DOMAIN", default: "localhost").lowercased()
        let app = try reader.databaseURL("GLAVITO_DATABASE_URL")
        guard let app else { throw ConfigError(key: "GLAVITO_DATABASE_URL", problem: "is required") }
        let platform = try reader.databaseURL("GLAVITO_PLATFORM_DATABASE_URL")
        guard let platform else { throw ConfigError(key: "GLAVITO_PLATFORM_DATABASE_URL", problem: "is required") }
        let queues = try reader.list("GLAVITO_WORKER_QUEUES", default: JobQueues.all)
        if let unknown = queues.first(where: { !JobQueues.all.contains($0) }) {
            throw ConfigError(key: "GLAVITO_WORKER_QUEUES", problem: "names an unknown queue '\(unknown)' (known: \(JobQueues.all.joined(separator: ", ")))")
        }
        var config = GlavitoConfig(
            httpHost: try reader.string("GLAVITO_HTTP_HOST", default: "127.0.0.1"),
            httpPort: port,
            baseDomain: baseDomain,
            publicURL: try reader.string("GLAVITO_PUBLIC_URL", default: "http://\(baseDomain):\(port)"),
            database: app,
            platformDatabase: platform,
            ownerDatabase: try reader.databaseURL("GLAVITO_OWNER_DATABASE_URL"),
            databasePoolSize: try reader.int("GLAVITO_DB_POOL_SIZE", default: 10, range: 1...500),
            logLevel: try reader.logLevel("GLAVITO_LOG_LEVEL", default: .info),
            logFormat: try reader.enumeration("GLAVITO_LOG_FORMAT", default: .json),
            shutdownTimeoutSeconds: try reader.int("GLAVITO_SHUTDOWN_TIMEOUT", default: 30, range: 1...3600),
            workerQueues: queues,
            workerConcurrency: try reader.int("GLAVITO_WORKER_CONCURRENCY", default: 8, range: 1...1024),
            identity: try IdentityConfig.load(reader),
            jobs: try JobQueueSettings.load(from: reader),
            webhooks: try WebhookSettings.load(from: reader)
        )
        config.workerMetricsPort = try reader.int("GLAVITO_WORKER_METRICS_PORT", default: 0, range: 0...65535)
        config.liveKeepAliveSeconds = try reader.int("GLAVITO_LIVE_SSE_KEEPALIVE_SECONDS", default: 15, range: 1...300)
        config.liveRecheckSeconds = try reader.int("GLAVITO_LIVE_RECHECK_SECONDS", default: 30, range: 1...3600)
        config.liveMaxConnections = try reader.int("GLAVITO_LIVE_MAX_CONNECTIONS", default: 20, range: 1...10_000)
        config.livePollMilliseconds = try reader.int("GLAVITO_LIVE_POLL_MILLISECONDS", default: 5, range: 1...100)
        config.livePingSeconds = try reader.int("GLAVITO_LIVE_PING_SECONDS", default: 30, range: 1...3600)
        config.attachmentsDirectory = try reader.string("GLAVITO_ATTACHMENTS_DIR", default: ".data/attachments")
        config.sendDoubtSeconds = try reader.int("GLAVITO_CHANNELS_SEND_DOUBT_SECONDS", default: 60, range: 0...86400)
        config.ingestTransactions = try reader.int("GLAVITO_CHANNELS_INGEST_TRANSACTIONS", default: 2, range: 1...64)
        config.channelMediaURLSeconds = try reader.int("GLAVITO_CHANNELS_MEDIA_URL_SECONDS", default: 3600, range: 60...86400)
        config.mail = try MailSettings.load(from: reader, host: config.httpHost, baseDomain: baseDomain)
        return config
    }
}
