import Foundation
import GlavitoCore
import ServiceLifecycle
import Synchronization

/// Writes events to standard output as JSON lines.
struct EventPrinter: Sendable {
    static let lock = Mutex<Void>(())

    func print(_ events: [RecordedEvent]) throws {
        var text = ""
        for event in events { text += try JSONCoding.encode(event) + "\n" }
        Self.lock.withLock { _ in FileHandle.standardOutput.write(Data(text.utf8)) }
    }
}

/// `events tail --group`: one consumer group member printing what it is given.
struct EventConsumerService: Service {
    let member: ConsumerGroupMember
    let printer: EventPrinter

    func run() async throws {
        try await member.run { events in try printer.print(events) }
    }
}

/// `events tail` without a group: follows every partition from its head (or from the beginning), committing nothing.
struct EventFollowerService: Service {
    let database: Database
    let fromBeginning: Bool
    let printer: EventPrinter

    func run() async throws {
        var positions = try await EventStore.heads(database: database)
        if fromBeginning { positions = positions.mapValues { _ in 0 } }
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            var idle = true
            for (partition, position) in positions.sorted(by: { $0.key < $1.key }) {
                let batch = try await EventStore.readPartition(partition, after: position, limit: 500, database: database)
                guard let last = batch.last else { continue }
                try printer.print(batch)
                positions[partition] = last.position
                idle = false
            }
            if idle { try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .milliseconds(200)) } }
        }
    }
}
