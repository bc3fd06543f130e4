import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// A worker's own `/metrics` listener, scraped as Prometheus would.
@Suite("Worker metrics endpoint")
struct WorkerMetricsTests {
    static func value(_ body: String, prefix: String) -> Double? {
        body.split(separator: "\n").first { $0.hasPrefix(prefix) }.flatMap { Double($0.split(separator: " ").last ?? "") }
    }

    @Test("a worker with GLAVITO_WORKER_METRICS_PORT exports its job counters, run durations and queue gauges")
    func exportsJobMetrics() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "wmetrics").id
            let port = try ManagedProcess.freePort()
            let worker = try await WorkerFleet(tenant: tenant, settings: ["GLAVITO_WORKER_METRICS_PORT": "\(port)"]).start()
            let prefix = "metrics-\(UUID().uuidString.prefix(8))-"
            let keys = (0..<5).map { "\(prefix)\($0)" }
            try await WorkerFleet.enqueueProbes(dbs.app, tenant: tenant, keys: keys, sleepMs: 0)
            let tally = try await WorkerFleet.waitForAll(dbs.app, tenant: tenant, prefix: prefix, expected: keys.count, timeout: .seconds(30))
            #expect(tally.distinctEffects == keys.count)
            #expect(try await HTTPProbe.waitUntilUp(port: port))
            var metrics = try await HTTPProbe.get(port: port, path: "/metrics")
            // Completions are flushed in batches; give the counter a moment to catch up with the effects.
            for _ in 0..<50 where (Self.value(metrics.body, prefix: #"glavito_jobs_succeeded{queue="maintenance",kind="maintenance.probe"}"#) ?? 0) < 5 {
                try await Task.sleep(for: .milliseconds(100))
                metrics = try await HTTPProbe.get(port: port, path: "/metrics")
            }
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect((Self.value(metrics.body, prefix: #"glavito_jobs_succeeded{queue="maintenance",kind="maintenance.probe"}"#) ?? 0) >= 5,
                    "metrics: \(metrics.body.prefix(3000))")
            #expect(metrics.body.contains("glavito_jobs_run_duration"))
            #expect(metrics.body.contains("glavito_jobs_claim_latency"))
            #expect((try await HTTPProbe.get(port: port, path: "/healthz")).status == 200)
            worker.send(SIGTERM)
            #expect(try await worker.waitForExit(timeout: .seconds(15)) == 0)
        }
    }
}
