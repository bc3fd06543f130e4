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
    /// rethrown as is, so callers can catch their own error types. When the connection was lost, nothing more is
    /// sent on it (the server rolled back); when a ROLLBACK fails, the connection is closed so the pool drops it.
    ///
    /// With `genericPlans`, the transaction's prepared statements run with `plan_cache_mode =
    /// force_generic_plan` (set locally, with the tenant, in the same statement): each is planned once per connection
    /// instead of at every execution. Only for hot paths whose prepared statements plan the same for any parameter
    /// values (key lookups and writes); planning was about 40 % of the inbound ingest's database time.
    @discardableResult
    public func withTenantTransaction<Result: Sendable>(
        _ tenant: TenantID,
        genericPlans: Bool = false,
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withTransaction { connection in
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

    /// Runs `body` in one transaction with no tenant bound: tenant tables show no rows to the application role.
    /// Errors of `body` are rethrown as is, as in ``withTenantTransaction(_:genericPlans:_:)``; a connection that
    /// closed before BEGIN or COMMIT could be sent gives ``ConnectionLost``.
    @discardableResult
    public func withTransaction<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let logger = self.logger
        return try await withOpenConnection { connection in
            try await connection.checkedQuery("BEGIN", logger: logger)
            let value: Result
            do {
                value = try await body(connection)
            } catch {
                // A lost connection must not be sent ROLLBACK: the server has already rolled back, and postgres-nio
                // would never answer a statement written to the closed channel.
                if !ConnectionLost.isLost(error, on: connection) {
                    do {
                        try await connection.checkedQuery("ROLLBACK", logger: logger)
                    } catch {
                        // The connection is in an unknown state: close it so the pool does not hand it out again.
                        try? await connection.close()
                    }
                }
                throw error
            }
            try ConnectionLost.check(connection, before: "COMMIT")
            try await connection.checkedQuery("COMMIT", logger: logger)
            return value
        }
    }

    /// Runs `body` on a pooled connection outside any explicit transaction.
    @discardableResult
    public func withConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        try await withOpenConnection(body)
    }

    /// Leases a pooled connection that is still open. Right after the server closed connections (a restart), the
    /// pool can hand out one whose close it has not processed yet; nothing has been sent on it, so another lease is
    /// taken after a moment. Gives ``ConnectionLost`` when every try got a closed one.
    private func withOpenConnection<Result: Sendable>(
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        for attempt in 1...Self.leaseAttempts {
            let outcome: Leased<Result> = try await client.withConnection { connection in
                if connection.isClosed { return .closed }
                return .done(try await body(connection))
            }
            if case .done(let result) = outcome { return result }
            try await Task.sleep(for: .milliseconds(5 * attempt))
        }
        throw ConnectionLost(step: "the first statement")
    }

    private static let leaseAttempts = 5

    private enum Leased<Result: Sendable>: Sendable {
        case closed
        case done(Result)
    }
}
