import ArgumentParser
import Foundation
import GlavitoCore
import Logging

extension BenchmarkCommand {
    /// `glavito benchmark event-append`: append events as fast as possible from several connections, one or
    /// several events per transaction, to streams of one tenant spread over every partition (for `make bench`).
    struct EventAppend: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "event-append", abstract: "Append events as fast as possible and print the rate.")
        @Option(help: "Events to append.") var count = 100_000
        @Option(help: "Events per transaction (all to one stream).") var batch = 1
        @Option(help: "Concurrent connections appending.") var producers = 8
        @Option(help: "Distinct streams, spread over the partitions.") var streams = 1000

        func validate() throws {
            guard count >= 1, (1...10_000).contains(batch), (1...64).contains(producers), streams >= 1 else {
                throw ValidationError("need count ≥ 1, batch 1...10000, 1...64 producers, streams ≥ 1")
            }
        }

        func run() async throws {
            let config = try CommandEnvironment.load()
            var quiet = Logger(label: "glavito.benchmark")
            quiet.logLevel = .warning
            let logger = quiet
            let tenant = try await Self.benchTenant(config: config, logger: logger)
            let (count, batch, producers, streams) = (count, batch, producers, streams)
            let events = Array(repeating: NewEvent(type: "bench.appended", data: #"{"ticket":42,"status":"open","channel":"whatsapp"}"#), count: batch)
            let started = ContinuousClock.now
            try await Database.withRunning(url: config.database, poolSize: producers, logger: logger) { app in
                try await withThrowingTaskGroup(of: Void.self) { group in
                    for producer in 0..<producers {
                        group.addTask {
                            let share = count / producers + (producer < count % producers ? 1 : 0)
                            var sent = 0
                            var round = 0
                            while sent < share {
                                let size = min(batch, share - sent)
                                let stream = "bench/\((producer + round * producers) % streams)"
                                try await app.withTenantTransaction(tenant) { connection in
                                    try await EventStore.append(Array(events.prefix(size)), to: stream, tenant: tenant, on: connection, logger: logger)
                                }
                                sent += size
                                round += 1
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let (whole, fraction) = started.duration(to: .now).components
            let seconds = Double(whole) + Double(fraction) / 1e18
            print("appended \(count) events in \(String(format: "%.2f", seconds)) s: \(Int(Double(count) / seconds)) events/s "
                + "(\(batch) per transaction, \(producers) producers, \(streams) streams)")
        }

        /// The tenant `bench-events`, created on first use.
        static func benchTenant(config: GlavitoConfig, logger: Logger) async throws -> TenantID {
            try await Database.withRunning(url: config.platformDatabase, logger: logger) { platform in
                let directory = TenantDirectory(platform: platform)
                if let found = try await directory.list().first(where: { $0.slug == "bench-events" }) { return found.id }
                _ = try await directory.apply([TenantDefinition(sourceFile: "benchmark", slug: "bench-events", name: "Bench events",
                                                                branding: Branding(displayName: "Bench events"))])
                guard let created = try await directory.list().first(where: { $0.slug == "bench-events" }) else {
                    throw CommandEnvironment.fail("the benchmark tenant was not created")
                }
                return created.id
            }
        }
    }

    /// `glavito benchmark event-consume`: run one member of a consumer group with a handler that does nothing, until
    /// the group has no lag; several processes of the same group share the partitions (for `make bench`).
    struct EventConsume: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "event-consume", abstract: "Consume as a group member until the group has caught up.")
        @Option(help: "The consumer group.") var group: String
        @Option(help: "This member's name.") var member: String
        @Option(help: "Seconds a partition stays owned without a heartbeat (members rebalance every third of it).") var leaseSeconds = 3

        func run() async throws {
            let config = try CommandEnvironment.load()
            var quiet = Logger(label: "glavito.benchmark")
            quiet.logLevel = .warning
            let logger = quiet
            let (groupName, memberName, leaseSeconds) = (group, member, leaseSeconds)
            let counter = EventCounter()
            let started = ContinuousClock.now
            try await Database.withRunning(url: config.platformDatabase, poolSize: 4, logger: logger) { platform in
                var consumer = ConsumerGroupMember(group: groupName, member: memberName, database: platform)
                consumer.lease = .seconds(leaseSeconds)
                let configured = consumer
                let admin = ConsumerGroupAdmin(database: platform)
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask {
                        try await configured.run(pollInterval: .milliseconds(50)) { batch in counter.add(batch.count) }
                    }
                    while true {
                        try await Task.sleep(for: .milliseconds(100))
                        if let status = try await admin.groups().first(where: { $0.name == groupName }), status.lagEvents == 0 { break }
                    }
                    tasks.cancelAll()
                    try? await tasks.waitForAll()
                }
            }
            let (whole, fraction) = started.duration(to: .now).components
            print("member \(memberName) handled \(counter.value) events in \(String(format: "%.2f", Double(whole) + Double(fraction) / 1e18)) s")
        }
    }
}
