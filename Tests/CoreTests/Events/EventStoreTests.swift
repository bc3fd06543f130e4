import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Event store")
struct EventStoreTests {
    @Test("optimistic concurrency: a stale expected version fails cleanly and leaves no gap")
    func expectedVersions() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "ev").id
            let stream = "ticket/\(UUID().uuidString)"
            let logger = TestDatabases.logger
            func append(_ expected: ExpectedVersion) async throws -> [EventStore.Appended] {
                try await dbs.app.withTenantTransaction(tenant) { connection in
                    try await EventStore.append([NewEvent(type: "ticket.updated", data: "{}")], to: stream, tenant: tenant,
                                                expected: expected, on: connection, logger: logger)
                }
            }
            let first = try await append(.noStream)
            #expect(first.map(\.version) == [1])
            await #expect(throws: EventStoreError.versionConflict(stream: stream, expected: .noStream, actual: 1)) {
                try await append(.noStream)
            }
            let second = try await append(.exactly(1))
            #expect(second.map(\.version) == [2])
            await #expect(throws: EventStoreError.versionConflict(stream: stream, expected: .exactly(1), actual: 2)) {
                try await append(.exactly(1))
            }
            // A caller that catches the conflict and commits its transaction anyway leaves the partition gap-free.
            let caught = try await dbs.app.withTenantTransaction(tenant) { connection in
                do {
                    try await EventStore.append([NewEvent(type: "x", data: "{}")], to: stream, tenant: tenant,
                                                expected: .exactly(7), on: connection, logger: logger)
                    return false
                } catch is EventStoreError { return true }
            }
            #expect(caught)
            let third = try await append(.any)
            #expect(third.map(\.version) == [3])
            let events = try await EventStore.readStream(stream, tenant: tenant, database: dbs.app)
            #expect(events.map(\.version) == [1, 2, 3])
            let partition = try #require(events.first?.partition)
            let neighbours = try await EventStore.readPartition(partition, after: events[0].position - 1, limit: 10_000, database: dbs.platform)
            #expect(zip(neighbours, neighbours.dropFirst()).allSatisfy { $0.position + 1 == $1.position })
        }
    }

    @Test("events roll back with their transaction, are refused as invalid JSON, and stay within their tenant")
    func transactionalAndIsolated() async throws {
        try await TestDatabases.with { dbs in
            let a = try await dbs.makeTenant(prefix: "ev").id
            let b = try await dbs.makeTenant(prefix: "ev").id
            let logger = TestDatabases.logger
            await #expect(throws: CancellationError.self) {
                try await dbs.app.withTenantTransaction(a) { connection in
                    try await EventStore.append([NewEvent(type: "t", data: "{}")], to: "s", tenant: a, on: connection, logger: logger)
                    throw CancellationError()
                }
            }
            #expect(try await EventStore.readStream("s", tenant: a, database: dbs.app).isEmpty)
            await #expect(throws: EventStoreError.invalid("an event's data or metadata is not valid JSON")) {
                try await dbs.app.withTenantTransaction(a) { connection in
                    try await EventStore.append([NewEvent(type: "t", data: "{not json")], to: "s", tenant: a, on: connection, logger: logger)
                }
            }
            try await dbs.app.withTenantTransaction(a) { connection in
                try await EventStore.append([NewEvent(type: "t", data: #"{"n":1}"#)], to: "s", tenant: a, on: connection, logger: logger)
            }
            #expect(try await EventStore.readStream("s", tenant: a, database: dbs.app).count == 1)
            #expect(try await EventStore.readStream("s", tenant: a, database: dbs.app).first?.data == #"{"n": 1}"#)
            // Tenant b reading tenant a's stream by name sees nothing, and cannot append into a's tenant.
            #expect(try await dbs.app.withTenantTransaction(b) { connection in
                try await EventStore.currentVersion(of: "s", tenant: a, on: connection, logger: logger)
            } == 0)
            await #expect(throws: (any Error).self) {
                try await dbs.app.withTenantTransaction(b) { connection in
                    try await EventStore.append([NewEvent(type: "t", data: "{}")], to: "s", tenant: a, on: connection, logger: logger)
                }
            }
        }
    }
}
