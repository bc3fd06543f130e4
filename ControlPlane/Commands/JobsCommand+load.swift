import ArgumentParser
import Foundation
import GlavitoCore
import Logging

extension JobsCommand {
    /// `glavito jobs load`: enqueue no-op jobs as fast as possible or at a steady rate, to load-test a fleet
    /// (bench/queue.sh drives it). Creates the tenants `load-1` … `load-K` when missing.
    struct Load: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Enqueue maintenance.noop jobs to load-test the queue and the fleet.")

        enum NotifyMode: String, ExpressibleByArgument, Sendable {
            case inTransaction = "in-transaction", afterCommit = "after-commit", none
        }

        @Option(help: "Spread jobs over this many tenants (load-1 … load-K).")
        var tenants: Int = 1

        @Option(help: "Jobs in all.")
        var count: Int = 10_000

        @Option(help: "Jobs per enqueue transaction.")
        var batch: Int = 1000

        @Option(help: "Concurrent producers (one connection each).")
        var producers: Int = 2

        @Option(help: "Target jobs per second over all producers (0: as fast as possible).")
        var rate: Int = 0

        @Option(help: "Wake-ups: in-transaction (NOTIFY in each enqueue), after-commit (coalesced JobWakeups) or none.")
        var notify: NotifyMode = .afterCommit

        func validate() throws {
            guard (1...1000).contains(tenants), count >= 1, (1...10_000).contains(batch), (1...64).contains(producers), rate >= 0 else {
                throw ValidationError("need 1...1000 tenants, count ≥ 1, batch 1...10000, 1...64 producers, rate ≥ 0")
            }
        }

        func run() async throws {
            let config = try CommandEnvironment.load()
            var quiet = Logger(label: "glavito.jobs")
            quiet.logLevel = .warning
            let logger = quiet
            let (tenantCount, count, batch, producers, rate, notify) = (tenants, count, batch, producers, rate, notify)
            let tenantIDs = try await Database.withRunning(url: config.platformDatabase, logger: logger) { platform in
                let directory = TenantDirectory(platform: platform)
                let slugs = (1...tenantCount).map { "load-\($0)" }
                let existing = Set(try await directory.list().map(\.slug))
                let missing = slugs.filter { !existing.contains($0) }.map {
                    TenantDefinition(sourceFile: "load", slug: $0, name: "Load \($0)", branding: Branding(displayName: $0))
                }
                if !missing.isEmpty { _ = try await directory.apply(missing) }
                let bySlug = Dictionary(uniqueKeysWithValues: try await directory.list().map { ($0.slug, $0.id) })
                return slugs.compactMap { bySlug[$0] }
            }
            let job = try NewJob(kind: "maintenance.noop")
            let started = ContinuousClock.now
            try await Database.withRunning(url: config.database, poolSize: producers + 1, logger: logger) { app in
                let wakeups = JobWakeups(database: app)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await wakeups.run() }
                    try await withThrowingTaskGroup(of: Void.self) { workers in
                        for producer in 0..<producers {
                            workers.addTask {
                                var sent = 0
                                var round = 0
                                let share = count / producers + (producer < count % producers ? 1 : 0)
                                while sent < share {
                                    let size = min(batch, share - sent)
                                    let tenant = tenantIDs[(producer + round * producers) % tenantIDs.count]
                                    try await app.withTenantTransaction(tenant) { connection in
                                        try await JobQueue.enqueue(
                                            Array(repeating: job, count: size), tenant: tenant, on: connection, logger: logger,
                                            notify: notify == .inTransaction
                                        )
                                    }
                                    if notify == .afterCommit { wakeups.signal(queues: [job.queue]) }
                                    sent += size
                                    round += 1
                                    if rate > 0 {
                                        let due = started + .seconds(Double(sent * producers) / Double(rate))
                                        if due > .now { try await Task.sleep(until: due) }
                                    }
                                }
                            }
                        }
                        try await workers.waitForAll()
                    }
                    group.cancelAll()
                }
            }
            let (whole, fraction) = started.duration(to: .now).components
            let seconds = Double(whole) + Double(fraction) / 1e18
            print("enqueued \(count) jobs in \(String(format: "%.2f", seconds)) s: "
                + "\(Int(Double(count) / seconds)) jobs/s (batch \(batch), \(producers) producers, notify \(notify.rawValue))")
        }
    }
}
