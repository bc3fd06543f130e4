import Logging
import PostgresNIO

extension PostgresConnection {
    /// Runs `query` as postgres-nio's `query(_:logger:)` does, but first makes sure the connection is still open:
    /// a statement written to a connection that has already closed is never answered by postgres-nio 1.33, so the
    /// caller would wait forever and keep its pool lease (after a PostgreSQL restart, a job handler did so about
    /// once per restart and worker until every statement was checked). Throws ``ConnectionLost`` instead, with
    /// nothing sent. All statements of the application go through here; a test keeps it that way.
    @discardableResult
    public func checkedQuery(
        _ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line
    ) async throws -> PostgresRowSequence {
        try ConnectionLost.check(self, before: "a statement")
        return try await self.query(query, logger: logger, file: file, line: line)
    }
}
