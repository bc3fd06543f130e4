import Logging
import PostgresNIO

/// Access to PostgreSQL as one role, with tenant-scoped transactions.
///
/// Tenant isolation is enforced by row-level security keyed on `app.tenant_id`. ``withTenantTransaction(_:_:)``
/// binds that setting with `set_config(…, true)` (the equivalent of `SET LOCAL`) inside the transaction, so it ends
/// with the transaction and can never leak to the next user of a pooled connection. Code that runs outside such a
/// transaction sees no tenant rows at all.
public struct Database: Sendable {
    /// The pooled client. It must be running (see ``PostgresClient/run()``) for queries to proceed.
    public let client: PostgresClient
    /// The logger queries log into.
    public let logger: Logger

    /// Wraps a client.
    public init(client: PostgresClient, logger: Logger) {
        self.client = client
        self.logger = logger
    }

    /// Creates a client for `url` with at most `poolSize` connections.
    public init(url: DatabaseURL, poolSize: Int, logger: Logger) {
        self.init(
            client: PostgresClient(configuration: url.clientConfiguration(maximumConnections: poolSize), backgroundLogger: logger),
            logger: logger
        )
    }

    /// Runs `body` in one transaction in which only `tenant`'s rows are visible and writable.
    ///
    /// The transaction commits when `body` returns and rolls back when it throws; an error thrown by `body` is
    /// rethrown as is once the rollback succeeded (not wrapped in `PostgresTransactionError`), so callers can catch
    /// their own error types.
    ///
    /// With `genericPlans`, the transaction's prepared statements run with `plan_cache_mode =
    /// force_generic_plan` (set locally, with the tenant, in the same statement): each is planned once per connection
    /// instead of at every execution. Only for hot paths whose prepared statements plan the same for any parameter
    /// values (key lookups and writes); planning was about 40 % of the inbound ingest's database time.
    public func withTenantTransaction<Result: Sendable>(
        _ tenant: TenantID,
        genericPlans: Bool = false,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await Self.unwrappingBodyErrors {
            try await client.withTransaction(logger: logger) { connection in
                var bindings = PostgresBindings(capacity: 1)
                bindings.append(tenant.rawValue)
                if genericPlans {
                    _ = try await connection.run(BindTenantGenericPlansStatement.self, bindings, logger: logger)
                } else {
                    _ = try await connection.run(BindTenantStatement.self, bindings, logger: logger)
                }
                return try await body(connection)
            }
        }
    }

    /// Runs `body` in one transaction with no tenant bound: tenant tables show no rows to the application role.
    /// Errors of `body` are rethrown as is, as in ``withTenantTransaction(_:_:)``.
    public func withTransaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await Self.unwrappingBodyErrors {
            try await client.withTransaction(logger: logger) { connection in
                try await body(connection)
            }
        }
    }

    private static func unwrappingBodyErrors<Result>(_ run: () async throws -> Result) async throws -> Result {
        do {
            return try await run()
        } catch let error as PostgresTransactionError {
            if let bodyError = error.closureError, error.rollbackError == nil { throw bodyError }
            throw error
        }
    }

    /// Runs `body` on a pooled connection outside any explicit transaction.
    public func withConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await client.withConnection { connection in
            try await body(connection)
        }
    }
}
