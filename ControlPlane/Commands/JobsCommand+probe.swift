import ArgumentParser
import Foundation
import GlavitoCore
import Logging

extension JobsCommand {
    /// `glavito jobs probe`: enqueue probe jobs for a tenant and, with --wait, check that every one had its effect
    /// exactly once. With a fleet being killed meanwhile (`--chaos` in bench/queue-chaos.sh) it is the chaos check.
    struct Probe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Enqueue maintenance.probe jobs and check that each had its effect exactly once."
        )

        @Option(help: "Tenant slug to probe in.")
        var tenant: String

        @Option(help: "How many probe jobs.")
        var count: Int = 100

        @Option(help: "Milliseconds each probe's handler sleeps (a slow side effect).")
        var sleepMs: Int = 0

        @Option(help: "Seconds to wait for all probes to finish (0: do not wait).")
        var wait: Int = 60

        func run() async throws {
            guard (1...1_000_000).contains(count) else { throw CommandEnvironment.fail("--count must be 1...1000000") }
            let config = try CommandEnvironment.load()
            let logger = Logger(label: "glavito.jobs")
            let (slug, count, sleepMs, wait) = (tenant, count, sleepMs, wait)
            let run = "probe-\(UUID().uuidString.lowercased().prefix(8))"
            let report = try await Database.withRunning(url: config.database, logger: logger) { app in
                let tenants = try await Database.withRunning(url: config.platformDatabase, logger: logger) { platform in
                    try await TenantDirectory(platform: platform).list()
                }
                guard let tenant = tenants.first(where: { $0.slug == slug }) else {
                    throw CommandEnvironment.fail("no tenant with slug '\(slug)'")
                }
                var enqueued = 0
                while enqueued < count {
                    let batch = try (enqueued..<min(count, enqueued + 1000)).map { index in
                        try NewJob(kind: "maintenance.probe", payload: "{\"key\":\"\(run)-\(index)\",\"sleep_ms\":\(sleepMs)}")
                    }
                    try await app.withTenantTransaction(tenant.id) { connection in
                        try await JobQueue.enqueue(batch, tenant: tenant.id, on: connection, logger: logger, notify: true)
                    }
                    enqueued += batch.count
                }
                print("\(run): enqueued \(count) probe job(s) for \(slug)")
                guard wait > 0 else { return "not waited for" }
                let deadline = ContinuousClock.now + .seconds(wait)
                while true {
                    let (effects, duplicates, runs) = try await app.withTenantTransaction(tenant.id) { connection in
                        let rows = try await connection.checkedQuery("""
                            SELECT count(DISTINCT probe_key)::int8, (count(*) - count(DISTINCT probe_key))::int8,
                                   (SELECT count(*) FROM job_probe_runs r WHERE r.probe_key LIKE \(run + "-%"))::int8
                            FROM job_probe_effects
                            WHERE probe_key LIKE \(run + "-%")
                            """, logger: logger)
                        for try await row in rows.decode((Int64, Int64, Int64).self) { return row }
                        return (0, 0, 0)
                    }
                    if effects == count || ContinuousClock.now >= deadline {
                        return "\(effects)/\(count) effects, \(duplicates) duplicate effect(s), \(runs) handler run(s)"
                            + (effects == count && duplicates == 0 ? ": OK" : ": FAILED")
                    }
                    try await Task.sleep(for: .milliseconds(200))
                }
            }
            print("\(run): \(report)")
            if report.hasSuffix("FAILED") { throw ExitCode(1) }
        }
    }
}
