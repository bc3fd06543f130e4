import ArgumentParser
import Foundation
import GlavitoCore
import Logging
import ServiceLifecycle

/// `glavito events tail|replay|groups`: follow, rewind and inspect the event log (platform role).
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Follow the event log, replay consumer groups, and show their lag.",
        subcommands: [Tail.self, Replay.self, Groups.self]
    )

    struct Tail: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print events as JSON lines until SIGINT/SIGTERM. With --group, run as a member of that consumer group (sharing partitions with its other members and committing offsets)."
        )

        @Option(help: "Consumer group to join.")
        var group: String?

        @Option(help: "This member's name within the group (default: host:pid).")
        var member: String?

        @Option(help: "With --group: seconds a partition stays owned without a heartbeat.")
        var leaseSeconds: Int = 10

        @Flag(help: "Without --group: start at the beginning of the log instead of its end.")
        var fromBeginning = false

        func run() async throws {
            let config = try CommandEnvironment.load()
            let logger = Logger(label: "glavito.events")
            let database = Database(url: config.platformDatabase, poolSize: 4, logger: logger)
            let printer = EventPrinter()
            let follower: any Service
            if let group {
                let name = member ?? "\(ProcessInfo.processInfo.hostName):\(ProcessInfo.processInfo.processIdentifier)"
                guard (1...3600).contains(leaseSeconds) else { throw CommandEnvironment.fail("--lease-seconds must be 1 to 3600") }
                var consumer = ConsumerGroupMember(group: group, member: name, database: database)
                consumer.lease = .seconds(leaseSeconds)
                follower = EventConsumerService(member: consumer, printer: printer)
            } else {
                follower = EventFollowerService(database: database, fromBeginning: fromBeginning, printer: printer)
            }
            let services = ServiceGroup(configuration: .init(
                services: [.init(service: database.client), .init(service: follower, successTerminationBehavior: .gracefullyShutdownGroup)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger
            ))
            try await services.run()
        }
    }

    struct Replay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Rewind (or fast-forward) a consumer group's offsets.")

        @Option(help: "The consumer group.")
        var group: String

        @Option(help: "Replay from this time (ISO 8601, e.g. 2026-11-25T10:00:00Z).")
        var since: String?

        @Flag(help: "Replay everything.")
        var fromBeginning = false

        @Flag(help: "Skip everything not yet processed.")
        var toEnd = false

        func run() async throws {
            let target: ConsumerGroupAdmin.ResetTarget
            switch (since, fromBeginning, toEnd) {
            case (let text?, false, false):
                guard let date = try? Date(text, strategy: .iso8601) else {
                    throw CommandEnvironment.fail("--since '\(text)' is not an ISO 8601 time such as 2026-11-25T10:00:00Z")
                }
                target = .time(date)
            case (nil, true, false): target = .beginning
            case (nil, false, true): target = .end
            default: throw CommandEnvironment.fail("give exactly one of --since, --from-beginning, --to-end")
            }
            let config = try CommandEnvironment.load()
            let group = self.group
            let changed = try await Database.withRunning(url: config.platformDatabase, logger: Logger(label: "glavito.events")) { database in
                try await ConsumerGroupAdmin(database: database).reset(group: group, to: target)
            }
            guard changed > 0 else { throw CommandEnvironment.fail("no consumer group named '\(group)'") }
            print("\(group): \(changed) partition offsets moved")
        }
    }

    struct Groups: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List consumer groups with their lag and members.")

        func run() async throws {
            let config = try CommandEnvironment.load()
            let groups = try await Database.withRunning(url: config.platformDatabase, logger: Logger(label: "glavito.events")) { database in
                try await ConsumerGroupAdmin(database: database).groups()
            }
            print("GROUP".padding(toLength: 28, withPad: " ", startingAt: 0) + "LAG (events)  LAG (s)  OWNED  MEMBERS")
            for group in groups {
                print(group.name.padding(toLength: 28, withPad: " ", startingAt: 0)
                    + String(group.lagEvents).padding(toLength: 14, withPad: " ", startingAt: 0)
                    + String(format: "%-9.1f", group.lagSeconds)
                    + String(group.ownedPartitions).padding(toLength: 7, withPad: " ", startingAt: 0)
                    + group.members.joined(separator: ","))
            }
        }
    }
}
