import Logging
import PostgresNIO

extension Database {
    /// Runs `body` with a short-lived, running client for `url` and shuts the client down afterwards.
    ///
    /// For one-shot work such as CLI commands and start-up checks, outside a long-running ServiceGroup.
    public static func withRunning<Result: Sendable>(
        url: DatabaseURL,
        poolSize: Int = 2,
        logger: Logger,
        _ body: @Sendable (Database) async throws -> Result
    ) async throws -> Result {
        // The pool's own chatter (e.g. a lease requested a moment before run() starts) is noise for one-shot work.
        var background = logger
        background.logLevel = max(logger.logLevel, .error)
        let database = Database(
            client: PostgresClient(configuration: url.clientConfiguration(maximumConnections: poolSize), backgroundLogger: background),
            logger: logger
        )
        return try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask {
                await database.client.run()
                return nil
            }
            defer { group.cancelAll() }
            let result = try await body(database)
            group.cancelAll()
            return result
        }
    }
}
