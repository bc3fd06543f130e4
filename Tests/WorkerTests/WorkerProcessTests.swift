import Foundation
import GlavitoTestSupport
import Testing

/// The real `glavito-worker` binary, started as infra/workers.sh starts it.
@Suite("glavito-worker as a process")
struct WorkerProcessTests {
    static func worker() throws -> URL { try TestEnvironment.binDirectory().appendingPathComponent("glavito-worker") }

    @Test("connects, checks the schema, and stops promptly and cleanly on SIGTERM and on SIGINT", arguments: [SIGTERM, SIGINT])
    func gracefulShutdown(signal: Int32) async throws {
        let worker = try ManagedProcess(
            executable: try Self.worker(), arguments: ["--queues", "delivery,ai", "--concurrency", "3"],
            environment: try TestEnvironment.processEnvironment()
        )
        #expect(try await worker.waitForOutput(containing: "worker ready"), "output: \(worker.output)")
        #expect(worker.output.contains(#""glavito.queues":"delivery,ai""#))
        let stopRequested = ContinuousClock.now
        worker.send(signal)
        let status = try await worker.waitForExit(timeout: .seconds(10))
        #expect(status == 0, "output: \(worker.output)")
        #expect(ContinuousClock.now - stopRequested < .seconds(5), "an idle worker stops at once")
        #expect(worker.output.contains("worker stopped"))
    }

    @Test("refuses to start on a database whose schema does not match")
    func refusesSchemaMismatch() async throws {
        let empty = try TestEnvironment.value("GLAVITO_TEST_EMPTY_DATABASE_URL")
        let result = try await ManagedProcess.run(
            executable: try Self.worker(), arguments: [],
            environment: try TestEnvironment.processEnvironment(extra: ["GLAVITO_PLATFORM_DATABASE_URL": empty])
        )
        #expect(result.status == 1)
        #expect(result.output.contains("database schema is at version 0 but this build needs"))
        #expect(!result.output.contains("worker ready"))
    }
}
