import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Consumer groups")
struct ConsumerGroupTests {
    static func appendEvents(_ count: Int, tenant: TenantID, database: Database) async throws {
        for index in 0..<count {
            try await database.withTenantTransaction(tenant) { connection in
                try await EventStore.append([NewEvent(type: "test.n", data: #"{"n":\#(index)}"#)], to: "s/\(index % 4)",
                                            tenant: tenant, on: connection, logger: TestDatabases.logger)
            }
        }
    }

    /// Reads every owned partition to its end, committing as it goes; returns the events of `tenant` seen.
    static func drain(_ member: ConsumerGroupMember, tenant: TenantID) async throws -> [RecordedEvent] {
        var seen: [RecordedEvent] = []
        for partition in try await member.rebalance() {
            while let batch = try await member.nextBatch(partition: partition), let last = batch.last {
                seen += batch.filter { $0.tenant == tenant }
                #expect(try await member.commit(partition: partition, position: last.position))
            }
        }
        return seen.sorted { ($0.stream, $0.version) < ($1.stream, $1.version) }
    }

    @Test("offsets commit, and a reset replays the same events again")
    func replay() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "cg").id
            try await Self.appendEvents(20, tenant: tenant, database: dbs.app)
            let group = "replay-\(UInt32.random(in: 0...UInt32.max))"
            // A long lease: this test is about offsets, and a loaded machine can take seconds per query.
            var solo = ConsumerGroupMember(group: group, member: "solo", database: dbs.platform)
            solo.lease = .seconds(120)
            let member = solo
            try await member.join()
            let first = try await Self.drain(member, tenant: tenant)
            #expect(first.count == 20)
            #expect(try await Self.drain(member, tenant: tenant).isEmpty, "committed offsets are not read again")

            let admin = ConsumerGroupAdmin(database: dbs.platform)
            #expect(try await admin.reset(group: group, to: .beginning) == 16)
            let again = try await Self.drain(member, tenant: tenant)
            #expect(again == first)

            try await admin.reset(group: group, to: .end)
            #expect(try await Self.drain(member, tenant: tenant).isEmpty)
            let status = try #require(try await admin.groups().first { $0.name == group })
            #expect(status.members == ["solo"])
            #expect(status.ownedPartitions == 16)
        }
    }

    @Test("members share partitions without overlap; a silent member's partitions move to the others after its lease")
    func rebalancing() async throws {
        try await TestDatabases.with { dbs in
            let group = "rebalance-\(UInt32.random(in: 0...UInt32.max))"
            var one = ConsumerGroupMember(group: group, member: "one", database: dbs.platform)
            var two = ConsumerGroupMember(group: group, member: "two", database: dbs.platform)
            one.lease = .seconds(4)
            two.lease = .seconds(4)
            try await one.join()
            #expect(try await one.rebalance().count == 16, "a lone member takes every partition")
            #expect(try await two.rebalance().isEmpty, "nothing is free until the first member gives back its extra share")
            let oneShare = try await one.rebalance()
            let twoShare = try await two.rebalance()
            #expect(oneShare.count == 8)
            #expect(twoShare.count == 8)
            #expect(Set(oneShare).isDisjoint(with: twoShare))

            // "one" dies: it stops heartbeating. After its lease, "two" takes everything.
            try await Task.sleep(for: .milliseconds(4300))
            #expect(try await two.rebalance().count == 16)
            let lost = try #require(oneShare.first)
            #expect(try await one.nextBatch(partition: lost) == nil, "a member without a live lease reads nothing")
            #expect(try await one.commit(partition: lost, position: 1) == false, "and cannot commit for the new owner")
        }
    }
}
