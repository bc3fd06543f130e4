import Foundation
import PostgresNIO

/// A statement of the hot paths, prepared once per connection under its own name (postgres-nio caches it), so
/// PostgreSQL parses and plans it once rather than on every call. Conform a small type with the SQL text (with
/// `$n` placeholders) and run it through ``Prepared``.
public protocol PreparedSQL: Sendable {
    /// The statement's unique name on a connection.
    static var name: String { get }
    /// The SQL text, parameters as `$1`, `$2`, ….
    static var sql: String { get }
}

/// Runs a ``PreparedSQL`` statement with the given bindings; rows come back undecoded.
public struct Prepared<Statement: PreparedSQL>: PostgresPreparedStatement {
    public typealias Row = PostgresRow
    public static var name: String { Statement.name }
    public static var sql: String { Statement.sql }

    /// The parameter values, in `$n` order.
    public var bindings: PostgresBindings

    /// A statement with `bindings`.
    public init(_ bindings: PostgresBindings) {
        self.bindings = bindings
    }

    public func makeBindings() throws -> PostgresBindings { bindings }
    public func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PostgresConnection {
    /// Runs `Statement` with `bindings` as a prepared statement and returns its rows. Throws ``ConnectionLost``
    /// without sending anything when the connection has already closed.
    public func run<Statement: PreparedSQL>(
        _ statement: Statement.Type, _ bindings: PostgresBindings, logger: Logger
    ) async throws -> [PostgresRow] {
        try ConnectionLost.check(self, before: Statement.name)
        var rows: [PostgresRow] = []
        for try await row in try await execute(Prepared<Statement>(bindings), logger: logger) { rows.append(row) }
        return rows
    }
}
