import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Fair claims and the periodic scheduler")
struct FairnessTests {
    @Test("a claim gives every tenant a share of the batch, and priority still wins within a tenant")
    func fairShare() async throws {
        try await TestDatabases.with { dbs in
            let flood = try await dbs.makeTenant(prefix: "flood")
            let quiet = try await dbs.makeTenant(prefix: "quiet")
            let floodJobs = try (0..<5000).map { _ in try NewJob(kind: "maintenance.noop") }
            _ = try await dbs.app.withTenantTransaction(flood.id) { connection in
                try await JobQueue.enqueue(floodJobs, tenant: flood.id, on: connection, logger: TestDatabases.logger)
            }
            let urgent = try await dbs.app.withTenantTransaction(flood.id) { connection in
                try await JobQueue.enqueue([try NewJob(kind: "maintenance.noop", priority: -10)], tenant: flood.id, on: connection, logger: TestDatabases.logger)
            }
            let quietJob = try await dbs.app.withTenantTransaction(quiet.id) { connection in
                try await JobQueue.enqueue([try NewJob(kind: "maintenance.noop")], tenant: quiet.id, on: connection, logger: TestDatabases.logger)
            }
            let queue = JobQueue(database: dbs.platform)
            let batch = try await queue.claim(
                queues: JobQueues.all, limit: 20, owner: "fair-test", lease: .seconds(30), tenants: [flood.id, quiet.id]
            )
            #expect(batch.count == 20, "the batch is filled from the flood once the quiet tenant has its share")
            #expect(batch.contains { $0.id == quietJob[0] }, "the quiet tenant's job is in the very first batch")
            #expect(batch.contains { $0.id == urgent[0] }, "priority wins within the flooding tenant")
            #expect(batch.filter { $0.tenant == flood.id }.count == 19)
            _ = try await queue.complete(batch.map(\.lease), owner: "fair-test")
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query("DELETE FROM jobs WHERE tenant_id = \(flood.id.rawValue)", logger: TestDatabases.logger)
            }
        }
    }

    @Test("the periodic scheduler enqueues exactly once per period across concurrent workers")
    func periodicOncePerPeriod() async throws {
        try await TestDatabases.with { dbs in
            let first = try await dbs.makeTenant(prefix: "sched")
            let second = try await dbs.makeTenant(prefix: "sched")
            let name = "test-\(UUID().uuidString.prefix(8))"
            let schedule = PeriodicSchedule(name: name, kind: "maintenance.noop", every: .seconds(3600), tenants: [first.id, second.id])
            let scheduler = PeriodicScheduler(database: dbs.platform, schedules: [schedule])
            let now = Date()
            let results = try await withThrowingTaskGroup(of: [String: Int].self) { group in
                for worker in 0..<6 { group.addTask { try await scheduler.tick(now: now, owner: "worker-\(worker)") } }
                var all: [[String: Int]] = []
                for try await result in group { all.append(result) }
                return all
            }
            let winners = results.filter { $0[name] != nil }
            #expect(winners.count == 1)
            let key = "periodic:\(name):\(Int64(schedule.periodStart(containing: now).timeIntervalSince1970))"
            let enqueued = try await dbs.platform.withConnection { connection in
                let rows = try await connection.query("SELECT count(*)::int8 FROM jobs WHERE unique_key = \(key)", logger: TestDatabases.logger)
                for try await count in rows.decode(Int64.self) { return Int(count) }
                return 0
            }
            #expect(enqueued == 2 && winners.first?[name] == 2, "one job per tenant, once")
            #expect(try await scheduler.tick(now: now.addingTimeInterval(1), owner: "late")[name] == nil)
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query("DELETE FROM jobs WHERE unique_key = \(key)", logger: TestDatabases.logger)
            }
        }
    }
}
