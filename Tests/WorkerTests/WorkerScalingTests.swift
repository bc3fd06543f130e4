import Foundation
import GlavitoTestSupport
import Testing

/// `infra/workers.sh`, the operator's tool for scaling the fleet on one host, driving real worker processes.
@Suite("infra/workers.sh")
struct WorkerScalingTests {
    @Test("scale 4 then scale 1 leaves exactly one worker running; stop leaves none")
    func scaleUpAndDown() async throws {
        let root = try TestEnvironment.repoRoot()
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("workers-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let environment = try TestEnvironment.processEnvironment(extra: [
            "GLAVITO_WORKER_DIR": directory.path,
            "GLAVITO_WORKER_BIN": try TestEnvironment.binDirectory().appendingPathComponent("glavito-worker").path,
            "GLAVITO_SHUTDOWN_TIMEOUT": "10",
        ])
        func workers(_ arguments: String...) async throws -> String {
            let result = try await ManagedProcess.run(
                executable: root.appendingPathComponent("infra/workers.sh"), arguments: arguments, environment: environment
            )
            #expect(result.status == 0, "workers.sh \(arguments.joined(separator: " ")): \(result.output)")
            return result.output
        }
        func livePIDs() throws -> [Int32] {
            let files = (try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []
            return try files.filter { $0.hasSuffix(".pid") }.compactMap { name in
                let text = try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
                return Int32(text.trimmingCharacters(in: .whitespacesAndNewlines))
            }.filter { pid in
                // A zombie still answers kill(0) but has no command line any more.
                let cmdline = (try? Data(contentsOf: URL(fileURLWithPath: "/proc/\(pid)/cmdline"))) ?? Data()
                return kill(pid, 0) == 0 && !cmdline.isEmpty
            }
        }

        #expect(try await workers("scale", "4").contains("4 worker(s) running"))
        #expect(try livePIDs().count == 4)
        // Scale down workers that are up: on a loaded machine a worker can still be starting (before its signal
        // handlers exist, SIGTERM ends it without the graceful-stop line this test looks for).
        func readyCount() -> Int {
            let logs = ((try? FileManager.default.contentsOfDirectory(atPath: directory.path)) ?? []).filter { $0.hasSuffix(".log") }
            return logs.filter { log in
                (try? String(contentsOf: directory.appendingPathComponent(log), encoding: .utf8))?.contains("worker ready") == true
            }.count
        }
        let deadline = ContinuousClock.now + .seconds(90)
        while readyCount() < 4, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(100)) }
        #expect(readyCount() == 4, "all four workers ready before scaling down")
        let before = try livePIDs()
        #expect(try await workers("scale", "1").contains("1 worker(s) running"))
        let after = try livePIDs()
        #expect(after.count == 1)
        #expect(before.contains(after[0]), "scaling down keeps a worker that was already running")
        // Each stopped worker exited cleanly: its log ends with the graceful-stop line.
        let logs = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".log") }
        #expect(logs.count == 4)
        var stoppedCleanly = 0
        for log in logs where try String(contentsOf: directory.appendingPathComponent(log), encoding: .utf8).contains("worker stopped") {
            stoppedCleanly += 1
        }
        #expect(stoppedCleanly == 3)
        #expect(try await workers("status").contains("1 worker(s) running"))
        #expect(try await workers("stop").contains("0 worker(s) running"))
        #expect(try livePIDs().isEmpty)
    }
}
