import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Event store: multi-stream appends")
struct EventStoreStreamsTests {
    @Test("one append to many streams continues each stream's versions, keeps their order and leaves every partition gap-free")
    func manyStreams() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "evs").id
            let logger = TestDatabases.logger
            let streams = (0..<40).map { _ in "ticket/\(UUID().uuidString.lowercased())" }
            // Version 1 of the first stream exists already.
            try await dbs.app.withTenantTransaction(tenant) { connection in
                try await EventStore.append([NewEvent(type: "ticket.created", data: #"{"n":0}"#)], to: streams[0], tenant: tenant,
                                            on: connection, logger: logger)
            }
            let batch = streams.enumerated().map { index, stream in
                (stream: stream, events: (1...(index % 3 + 1)).map { NewEvent(type: "ticket.updated", data: #"{"n":\#($0)}"#) })
            }
            let appended = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await EventStore.append(streams: batch, tenant: tenant, on: connection, logger: logger)
            }
            #expect(appended.count == batch.reduce(0) { $0 + $1.events.count })
            // Given back in the order given: stream by stream, each stream's versions counting on.
            var offset = 0
            for (index, entry) in batch.enumerated() {
                let versions = appended[offset..<(offset + entry.events.count)].map(\.version)
                #expect(versions == Array((index == 0 ? 2 : 1)...(index == 0 ? 1 + entry.events.count : entry.events.count)))
                offset += entry.events.count
            }
            for (index, stream) in streams.enumerated() {
                let events = try await EventStore.readStream(stream, tenant: tenant, database: dbs.app)
                #expect(events.map(\.version) == Array(1...events.count))
                #expect(events.dropFirst(index == 0 ? 1 : 0).map { JSONValue.parse($0.data) }
                        == batch[index].events.map { JSONValue.parse($0.data) })
                #expect(zip(events, events.dropFirst()).allSatisfy { $0.position < $1.position && $0.partition == $1.partition })
            }
            // Gap-free around this append: every position from its first to its last in each partition is taken (other
            // tests' events may sit in between). Reading whole partitions instead took 100 s in the full suite.
            for partition in Set(appended.map(\.partition)) {
                let positions = appended.filter { $0.partition == partition }.map(\.position)
                let (first, last) = (try #require(positions.min()), try #require(positions.max()))
                let window = try await EventStore.readPartition(partition, after: first - 1, limit: Int(last - first + 1), database: dbs.platform)
                #expect(window.map(\.position) == Array(first...last))
            }
        }
    }

    @Test("event data written without an encoder is the JSON an encoder reads back, whatever the strings hold")
    func objectWriter() throws {
        let fields = ["plain": "abc", "quote": #"say "hi" \ back"#, "control": "a\nb\tc\r\u{1}\u{1f}", "unicode": "Grüße 👋🏽 ﷽",
                      "": "empty key", "slash": "a/b"]
        let text = JSONCoding.object(fields)
        #expect(try JSONDecoder().decode([String: String].self, from: Data(text.utf8)) == fields)
        #expect(JSONCoding.object([:]) == "{}")
        #expect(JSONCoding.object(["b": "2", "a": "1"]) == #"{"a":"1","b":"2"}"#)
    }
}
