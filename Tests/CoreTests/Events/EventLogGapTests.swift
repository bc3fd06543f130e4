import Foundation
import GlavitoCore
import GlavitoTestSupport
import Synchronization
import Testing

/// The property the event log exists for: a reader following partitions by position never skips an event that a
/// slow transaction commits after a faster, later one.
@Suite("Event log: no gaps under concurrent writers")
struct EventLogGapTests {
    struct Key: Hashable, Sendable { let tenant: TenantID; let stream: String; let version: Int }

    /// What the writers committed, and how many are still writing; shared with the reader.
    final class Progress: Sendable {
        let committed = Mutex<Set<Key>>([])
        let writing: Atomic<Int>
        init(writers: Int) { writing = Atomic(writers) }
    }

    @Test("a follower sees every committed event exactly once, in order within each stream, and no rolled-back one")
    func concurrentWriters() async throws {
        try await TestDatabases.with(poolSize: 12) { dbs in
            let tenants = [try await dbs.makeTenant(prefix: "ev").id, try await dbs.makeTenant(prefix: "ev").id]
            let ours = Set(tenants)
            let start = try await EventStore.heads(database: dbs.platform)
            let progress = Progress(writers: 8)

            let seen: [Key] = try await withThrowingTaskGroup(of: [Key].self) { group in
                for writer in 0..<8 {
                    group.addTask {
                        defer { progress.writing.subtract(1, ordering: .sequentiallyConsistent) }
                        for round in 0..<40 {
                            let tenant = tenants[(writer + round) % 2]
                            let stream = "ticket/\((writer * 7 + round) % 5)"
                            let count = 1 + (round % 3)
                            let rollBack = round % 9 == 4
                            do {
                                let appended = try await dbs.app.withTenantTransaction(tenant) { connection in
                                    let events = (0..<count).map { _ in NewEvent(type: "test.event", data: #"{"writer":\#(writer),"round":\#(round)}"#) }
                                    let result = try await EventStore.append(events, to: stream, tenant: tenant, on: connection, logger: TestDatabases.logger)
                                    // Hold the transaction open for a random while, so commits overtake each other.
                                    try await Task.sleep(for: .milliseconds(Int.random(in: 0...15)))
                                    if rollBack { throw CancellationError() }
                                    return result
                                }
                                progress.committed.withLock { set in
                                    for item in appended { set.insert(Key(tenant: tenant, stream: stream, version: item.version)) }
                                }
                            } catch is CancellationError {
                                continue
                            }
                        }
                        return []
                    }
                }
                group.addTask {
                    var positions = start
                    var seen: [Key] = []
                    var quietRounds = 0
                    while quietRounds < 3 {
                        let writersDone = progress.writing.load(ordering: .sequentiallyConsistent) == 0
                        var progressed = false
                        for (partition, position) in positions {
                            let batch = try await EventStore.readPartition(partition, after: position, limit: 200, database: dbs.platform)
                            guard let last = batch.last else { continue }
                            #expect(zip(batch, batch.dropFirst()).allSatisfy { $0.position + 1 == $1.position }, "positions are gap-free")
                            #expect(batch.first?.position == position + 1, "a partition's next event follows its last one")
                            positions[partition] = last.position
                            seen += batch.filter { ours.contains($0.tenant) }.map { Key(tenant: $0.tenant, stream: $0.stream, version: $0.version) }
                            progressed = true
                        }
                        quietRounds = writersDone && !progressed ? quietRounds + 1 : 0
                        try await Task.sleep(for: .milliseconds(5))
                    }
                    return seen
                }
                var all: [Key] = []
                for try await keys in group { all += keys }
                return all
            }

            let expected = progress.committed.withLock { $0 }
            #expect(expected.count > 200)
            #expect(seen.count == Set(seen).count, "no event seen twice")
            #expect(Set(seen) == expected, "seen exactly the committed events: missing \(expected.subtracting(seen).count), extra \(Set(seen).subtracting(expected).count)")
            var lastVersion: [String: Int] = [:]
            for key in seen {
                let stream = "\(key.tenant)/\(key.stream)"
                #expect(key.version == (lastVersion[stream] ?? 0) + 1, "stream \(stream) in order")
                lastVersion[stream] = key.version
            }
        }
    }
}
