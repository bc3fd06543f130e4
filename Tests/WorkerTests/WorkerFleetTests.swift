import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// Real worker processes on real jobs. Serialized: each test runs several processes on a 2-core machine.
@Suite("Worker fleet processes", .serialized)
struct WorkerFleetTests {
    @Test("workers SIGKILLed 20 times while draining lose no job and record no effect twice")
    func crashes() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "crash").id
            let fleet = WorkerFleet(tenant: tenant)
            var workers = [try await fleet.start(), try await fleet.start(), try await fleet.start()]
            let prefix = "crash-\(UUID().uuidString.prefix(8))-"
            var enqueued = 0
            for _ in 0..<20 {
                let keys = (enqueued..<enqueued + 30).map { "\(prefix)\($0)" }
                try await WorkerFleet.enqueueProbes(dbs.app, tenant: tenant, keys: keys, sleepMs: 40)
                enqueued += keys.count
                try await Task.sleep(for: .milliseconds(Int.random(in: 50...300)))
                let victim = Int.random(in: 0..<workers.count)
                workers[victim].send(SIGKILL)
                #expect(try await workers[victim].waitForExit(timeout: .seconds(10)) != nil)
                workers[victim] = try await fleet.start()
            }
            let tally = try await WorkerFleet.waitForAll(dbs.app, tenant: tenant, prefix: prefix, expected: enqueued, timeout: .seconds(90))
            for worker in workers { worker.send(SIGTERM) }
            for worker in workers { _ = try await worker.waitForExit(timeout: .seconds(15)) }
            #expect(tally.distinctEffects == enqueued, "every job had its effect")
            #expect(tally.duplicateEffects == 0, "no effect recorded twice")
            #expect(tally.pendingJobs == 0, "nothing left in the queue")
            #expect(tally.runs >= enqueued)
            print("crash test: \(enqueued) jobs, 20 SIGKILLs, \(tally.runs) handler runs (\(tally.runs - enqueued) re-runs after kills)")
        }
    }

    @Test("a quiet tenant's job starts within seconds while another tenant floods the queue")
    func fairnessUnderFlood() async throws {
        try await TestDatabases.with { dbs in
            let flood = try await dbs.makeTenant(prefix: "flood").id
            let quiet = try await dbs.makeTenant(prefix: "quiet").id
            let floodKeys = (0..<20_000).map { "flood-\($0)" }
            for chunk in stride(from: 0, to: floodKeys.count, by: 5000) {
                try await WorkerFleet.enqueueProbes(dbs.app, tenant: flood, keys: Array(floodKeys[chunk..<chunk + 5000]), sleepMs: 50)
            }
            let fleet = WorkerFleet(tenant: flood, settings: [
                "GLAVITO_WORKER_TENANTS": "\(flood),\(quiet)", "GLAVITO_WORKER_CONCURRENCY": "16",
            ])
            let worker = try await fleet.start()
            try await Task.sleep(for: .seconds(1))
            let key = "quiet-\(UUID().uuidString.prefix(8))"
            let enqueuedAt = ContinuousClock.now
            try await WorkerFleet.enqueueProbes(dbs.app, tenant: quiet, keys: [key], sleepMs: 0)
            var tally = try await WorkerFleet.tally(dbs.app, tenant: quiet, prefix: key)
            while tally.runs == 0, enqueuedAt.duration(to: .now) < .seconds(20) {
                try await Task.sleep(for: .milliseconds(20))
                tally = try await WorkerFleet.tally(dbs.app, tenant: quiet, prefix: key)
            }
            let waited = enqueuedAt.duration(to: .now)
            let floodLeft = try await WorkerFleet.tally(dbs.app, tenant: flood, prefix: "flood-").pendingJobs
            worker.send(SIGKILL)
            _ = try await worker.waitForExit()
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query("DELETE FROM jobs WHERE tenant_id = \(flood.rawValue)", logger: TestDatabases.logger)
            }
            #expect(tally.runs == 1)
            #expect(floodLeft > 15_000, "the flood was still queued when the quiet job ran")
            #expect(waited < .seconds(3), "the quiet tenant's job started after \(waited)")
            print("fairness: quiet job started \(waited) after enqueue with \(floodLeft) flood jobs queued")
        }
    }

    @Test("graceful shutdown lets in-flight jobs finish within the deadline")
    func gracefulShutdownFinishes() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "stop").id
            let fleet = WorkerFleet(tenant: tenant, settings: ["GLAVITO_WORKER_CONCURRENCY": "4", "GLAVITO_SHUTDOWN_TIMEOUT": "10"])
            let prefix = "finish-\(UUID().uuidString.prefix(8))-"
            try await WorkerFleet.enqueueProbes(dbs.app, tenant: tenant, keys: (0..<4).map { "\(prefix)\($0)" }, sleepMs: 1000)
            let worker = try await fleet.start()
            try await waitForRuns(dbs, tenant: tenant, prefix: prefix, count: 4)
            worker.send(SIGTERM)
            #expect(try await worker.waitForExit(timeout: .seconds(8)) == 0)
            let tally = try await WorkerFleet.tally(dbs.app, tenant: tenant, prefix: prefix)
            #expect(tally.distinctEffects == 4 && tally.pendingJobs == 0)
        }
    }

    @Test("graceful shutdown releases unfinished jobs at the deadline, and unstarted ones stay available")
    func gracefulShutdownReleases() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "stop").id
            let fleet = WorkerFleet(tenant: tenant, settings: [
                "GLAVITO_WORKER_CONCURRENCY": "4", "GLAVITO_SHUTDOWN_TIMEOUT": "1", "GLAVITO_JOBS_LEASE_SECONDS": "60",
            ])
            let prefix = "release-\(UUID().uuidString.prefix(8))-"
            try await WorkerFleet.enqueueProbes(dbs.app, tenant: tenant, keys: (0..<10).map { "\(prefix)\($0)" }, sleepMs: 30_000)
            let worker = try await fleet.start()
            try await waitForRuns(dbs, tenant: tenant, prefix: prefix, count: 4)
            let stopAt = ContinuousClock.now
            worker.send(SIGTERM)
            #expect(try await worker.waitForExit(timeout: .seconds(10)) == 0)
            let stopped = stopAt.duration(to: .now)
            let jobs = try await QueueHarness(dbs: dbs, tenant: tenant).jobs()
            #expect(stopped < .seconds(4), "stopped \(stopped) after SIGTERM with a 1 s deadline")
            #expect(jobs.count == 10 && jobs.allSatisfy { $0.state == "available" }, "nothing left leased: \(jobs.map(\.state))")
            #expect(jobs.filter { $0.error == "interrupted by worker shutdown" }.count == 4)
            #expect(jobs.filter { $0.attempt == 0 }.count == 6, "unstarted jobs keep their attempts")
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query("DELETE FROM jobs WHERE tenant_id = \(tenant.rawValue)", logger: TestDatabases.logger)
            }
        }
    }

    func waitForRuns(_ dbs: TestDatabases, tenant: TenantID, prefix: String, count: Int) async throws {
        let deadline = ContinuousClock.now + .seconds(20)
        while try await WorkerFleet.tally(dbs.app, tenant: tenant, prefix: prefix).runs < count {
            guard ContinuousClock.now < deadline else { throw WorkerFleet.FleetError(message: "jobs did not start") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }
}
