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

    @Test("the server ends a transaction's backend: the transaction fails at once without sending COMMIT, and the pool serves the next")
    func terminatedInsideTransaction() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "lost")
            let logger = TestDatabases.logger
            // Another session ends this transaction's backend, and the body waits until the connection has closed
            // before it returns. postgres-nio's own withTransaction then wrote COMMIT to the closed connection and
            // waited forever (a loop of self-terminating transactions hung within 300 rounds); here nothing is sent and
            // the transaction fails at once. (Self-termination is not used: its COMMIT races the close by design.)
            for _ in 0..<20 {
                let error = await #expect(throws: ConnectionLost.self) {
                    try await dbs.app.withTenantTransaction(tenant.id) { connection in
                        var pids: [Int32] = []
                        for try await pid in try await connection.query("SELECT pg_backend_pid()", logger: logger).decode(Int32.self) {
                            pids.append(pid)
                        }
                        let victim = try #require(pids.first)
                        try await dbs.app.withTransaction { other in
                            try await other.query("SELECT pg_terminate_backend(\(victim))", logger: logger)
                        }
                        try await connection.closeFuture.get()
                    }
                }
                #expect(error?.step == "COMMIT")
            }
            // A body that swallows the failure and goes on: the next prepared statement is refused as lost.
            let error = await #expect(throws: ConnectionLost.self) {
                try await dbs.app.withTransaction { connection in
                    _ = try? await connection.query(Self.terminate, logger: logger)
                    try await connection.closeFuture.get()  // the race with the close is over: it has happened
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

    @Test("the application sends every plain statement through checkedQuery, never postgres-nio's query directly")
    func everyStatementIsChecked() throws {
        let root = try TestEnvironment.repoRoot()
        var offenders: [String] = []
        var checked = 0
        for folder in ["Core", "ControlPlane", "Worker"] {
            let base = root.appendingPathComponent(folder)
            let files = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil)
            while let file = files?.nextObject() as? URL {
                guard file.pathExtension == "swift", file.lastPathComponent != "PostgresConnection+checked.swift" else { continue }
                let text = try String(contentsOf: file, encoding: .utf8)
                checked += text.components(separatedBy: ".checkedQuery(").count - 1
                for (number, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated()
                where line.contains(".query(") && !line.trimmingCharacters(in: .whitespaces).hasPrefix("///") {
                    offenders.append("\(folder)/\(file.lastPathComponent):\(number + 1)")
                }
            }
        }
        #expect(offenders.isEmpty, "plain .query( calls: \(offenders)")
        #expect(checked > 200, "the scan found the application's statements")
    }
}
