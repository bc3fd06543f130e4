import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// A connection the server closes in the middle of a transaction. postgres-nio 1.33 never answers a statement
/// written to a closed connection, so `Database` must not send one (its own transactions used to send ROLLBACK
/// there and wait forever, holding the pool lease: workers stopped claiming after a PostgreSQL restart).
@Suite("Database: connections lost mid-transaction")
struct ConnectionLostTests {
    static let terminate: PostgresQuery = "SELECT pg_terminate_backend(pg_backend_pid())"

    /// Any prepared statement will do.
    enum Probe: PreparedSQL {
        static let name = "glavito_test_connection_probe"
        static let sql = "SELECT $1::int8"
    }

    @Test("the server ends the backend inside a transaction: the transaction fails at once and the pool serves the next")
    func terminatedInsideTransaction() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "lost")
            let logger = TestDatabases.logger
            // With postgres-nio's own withTransaction, a loop like this one hung within 300 rounds: its COMMIT (the
            // terminating SELECT itself returns) or ROLLBACK went to the closed connection and was never answered.
            // Here every round ends promptly with an error saying the connection is gone.
            var lost = 0
            for _ in 0..<150 {
                do {
                    try await dbs.app.withTenantTransaction(tenant.id) { connection in
                        try await connection.query(Self.terminate, logger: logger)
                    }
                } catch let error as PSQLError where error.code == .serverClosedConnection {
                    lost += 1
                } catch is ConnectionLost {
                    lost += 1
                }
            }
            #expect(lost == 150)
            // A body that swallows the failure and goes on: the next prepared statement is refused as lost.
            let error = await #expect(throws: ConnectionLost.self) {
                try await dbs.app.withTransaction { connection in
                    _ = try? await connection.query(Self.terminate, logger: logger)
                    try await connection.closeFuture.get()
                    var bindings = PostgresBindings()
                    bindings.append(Int64(1))
                    _ = try await connection.run(Probe.self, bindings, logger: logger)
                }
            }
            #expect(error?.step == Probe.name)
            let answer = try await dbs.app.withTenantTransaction(tenant.id) { connection in
                var answers: [Int] = []
                for try await value in try await connection.query("SELECT 1", logger: logger).decode(Int.self) { answers.append(value) }
                return answers
            }
            #expect(answer == [1])
        }
    }
}
