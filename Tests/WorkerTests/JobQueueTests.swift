import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

struct Abort: Error {}

@Suite("Job queue against PostgreSQL")
struct JobQueueTests {
    @Test("a job enqueued in a rolled-back transaction does not exist")
    func rolledBackEnqueue() async throws {
        try await QueueHarness.with { h in
            let tenant = h.tenant
            var inserted: [Int64] = []
            do {
                try await h.dbs.app.withTenantTransaction(tenant) { connection in
                    inserted = try await JobQueue.enqueue([try probe("rollback")], tenant: tenant, on: connection, logger: TestDatabases.logger)
                    throw Abort()
                }
            } catch is Abort {}
            #expect(inserted.count == 1, "the insert happened inside the transaction")
            #expect(try await h.jobs().isEmpty)
            #expect(try await h.claim().isEmpty)
        }
    }

    @Test("a unique key makes a duplicate enqueue a no-op while the first is pending")
    func uniqueKeys() async throws {
        try await QueueHarness.with { h in
            let job = try NewJob(kind: "maintenance.noop", uniqueKey: "daily-report")
            #expect(try await h.enqueue([job]).count == 1)
            #expect(try await h.enqueue([job, job]).isEmpty)
            let claimed = try await h.claim()
            #expect(claimed.count == 1)
            #expect(try await h.enqueue([job]).isEmpty, "still pending while running")
            #expect(try await h.queue.complete(claimed.map(\.lease), owner: "test-worker") == [claimed[0].id])
            #expect(try await h.enqueue([job]).count == 1, "a finished job frees its key")
        }
    }

    @Test("lower priority numbers run first within a tenant, then the oldest")
    func priorities() async throws {
        try await QueueHarness.with { h in
            let low = try await h.enqueue([try NewJob(kind: "maintenance.noop", payload: "{\"n\":1}", priority: 5)])
            let normal = try await h.enqueue([try NewJob(kind: "maintenance.noop", payload: "{\"n\":2}")])
            let urgent = try await h.enqueue([try NewJob(kind: "maintenance.noop", payload: "{\"n\":3}", priority: -5)])
            let order = try await h.claim(limit: 1).map(\.id) + h.claim(limit: 1).map(\.id) + h.claim(limit: 1).map(\.id)
            #expect(order == urgent + normal + low)
        }
    }

    @Test("a delayed job is not claimed before its time")
    func delays() async throws {
        try await QueueHarness.with { h in
            let ids = try await h.enqueue([try NewJob(kind: "maintenance.noop", delay: .seconds(3))])
            #expect(try await h.claim().isEmpty)
            try await Task.sleep(for: .milliseconds(3200))
            #expect(try await h.claim().map(\.id) == ids)
        }
    }

    @Test("failures retry with growing back-off, then dead-letter; dead jobs can be retried and discarded")
    func retriesAndDeadLetters() async throws {
        try await QueueHarness.with { h in
            let ids = try await h.enqueue([try NewJob(kind: "maintenance.noop", maxAttempts: 3)])
            let backoff = JobBackoff(base: .seconds(10), cap: .seconds(3600), jitter: 0)
            var waits: [Double] = []
            for attempt in 1...3 {
                let job = try #require(try await h.claim().first)
                #expect(job.attempt == attempt)
                let outcome = try await h.queue.fail(job, error: "boom \(attempt)", retryAfterSeconds: backoff.delaySeconds(afterAttempt: attempt))
                #expect(outcome == (attempt < 3 ? .retrying : .dead))
                if attempt < 3 {
                    let wait = try #require(try await h.secondsUntilRunnable()[ids[0]])
                    waits.append(wait)
                    _ = try await h.dbs.platform.withConnection { connection in
                        try await connection.query("UPDATE jobs SET run_at = now() WHERE id = \(ids[0])", logger: TestDatabases.logger)
                    }
                }
            }
            #expect(waits.count == 2)
            #expect(abs(waits[0] - 10) < 2 && abs(waits[1] - 20) < 2, "back-off doubles: \(waits)")
            let dead = try await h.jobs()
            #expect(dead.map(\.state) == ["dead"] && dead[0].error == "boom 3")
            #expect(try await h.claim().isEmpty)

            let admin = JobAdministration(database: h.dbs.app, tenant: h.tenant)
            #expect(try await admin.list(state: "dead").map(\.id) == ids)
            try await admin.retry(id: ids[0])
            let again = try #require(try await h.claim().first)
            #expect(again.attempt == 1)
            _ = try await h.queue.fail(again, error: "still broken", retryAfterSeconds: 0)
            _ = try await h.dbs.platform.withConnection { connection in
                try await connection.query("UPDATE jobs SET state = 'dead' WHERE id = \(ids[0])", logger: TestDatabases.logger)
            }
            try await admin.discard(id: ids[0])
            #expect(try await h.jobs().isEmpty)
            #expect(try await h.history().map(\.outcome) == ["discarded"])
            await #expect(throws: JobQueueError.notFound(ids[0])) { try await admin.discard(id: ids[0]) }
        }
    }

    @Test("back-off grows exponentially within its jitter and cap")
    func backoffMath() {
        let backoff = JobBackoff(base: .seconds(2), cap: .seconds(60), jitter: 0.25)
        #expect(backoff.delaySeconds(afterAttempt: 1, random: 0.5) == 2)
        #expect(backoff.delaySeconds(afterAttempt: 4, random: 0.5) == 16)
        #expect(backoff.delaySeconds(afterAttempt: 30, random: 0.5) == 60)
        #expect(backoff.delaySeconds(afterAttempt: 3, random: 0) == 6)
        #expect(backoff.delaySeconds(afterAttempt: 3, random: 1) == 10)
    }

    @Test("snooze reschedules without counting the attempt; cancel removes the job and records it")
    func snoozeAndCancel() async throws {
        try await QueueHarness.with { h in
            let ids = try await h.enqueue([try NewJob(kind: "maintenance.noop")])
            let first = try #require(try await h.claim().first)
            // Long enough that a loaded machine cannot make the job runnable again before the next claim.
            #expect(try await h.queue.snooze(first, for: .seconds(2)))
            let wait = try #require(try await h.secondsUntilRunnable()[ids[0]])
            #expect(wait > 0 && wait <= 2, "rescheduled into the future: \(wait) s")
            #expect(try await h.claim().isEmpty)
            var again: JobRecord?
            let deadline = ContinuousClock.now + .seconds(15)
            while again == nil, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
                again = try await h.claim().first
            }
            let second = try #require(again, "the snoozed job runs again after its delay")
            #expect(second.attempt == 1, "a snooze does not use up an attempt")
            #expect(try await h.queue.cancel(second, reason: "customer unsubscribed"))
            #expect(try await h.jobs().isEmpty)
            #expect(try await h.history().map(\.id) == ids)
            #expect(try await h.history().map(\.outcome) == ["cancelled"])
        }
    }

    @Test("fencing: a worker whose lease expired cannot complete or fail the job another worker claimed")
    func fencing() async throws {
        try await QueueHarness.with { h in
            let ids = try await h.enqueue([try NewJob(kind: "maintenance.noop")])
            let stale = try #require(try await h.claim(owner: "worker-a", lease: .milliseconds(200)).first)
            try await Task.sleep(for: .milliseconds(400))
            // Any rescuer of the fleet may act; wait until the job is available again.
            var current: JobRecord?
            for _ in 0..<50 where current == nil {
                _ = try await h.queue.rescueExpiredLeases()
                current = try await h.claim(owner: "worker-b").first
                if current == nil { try await Task.sleep(for: .milliseconds(100)) }
            }
            let fresh = try #require(current)
            #expect(fresh.id == ids[0] && fresh.fence > stale.fence && fresh.attempt == 2)
            #expect(try await h.queue.complete([stale.lease], owner: "worker-a").isEmpty)
            #expect(try await h.queue.fail(stale, error: "late", retryAfterSeconds: 0) == nil)
            #expect(try await h.queue.snooze(stale, for: .seconds(1)) == false)
            #expect(try await h.queue.heartbeat([stale.lease], owner: "worker-a", lease: .seconds(30)).isEmpty)
            #expect(try await h.jobs().map(\.state) == ["running"])
            #expect(try await h.queue.complete([fresh.lease], owner: "worker-b") == [fresh.id])
            #expect(try await h.jobs().isEmpty)
        }
    }

    @Test("a tenant sees and touches only its own jobs")
    func tenantIsolation() async throws {
        try await QueueHarness.with { h in
            let ids = try await h.enqueue([try NewJob(kind: "maintenance.noop")])
            let other = try await h.dbs.makeTenant(prefix: "q")
            let otherAdmin = JobAdministration(database: h.dbs.app, tenant: other.id)
            #expect(try await otherAdmin.list(state: nil).isEmpty)
            #expect(try await otherAdmin.stats().allSatisfy { $0.available == 0 })
            await #expect(throws: JobQueueError.notFound(ids[0])) { try await otherAdmin.discard(id: ids[0]) }
            let own = try await JobAdministration(database: h.dbs.app, tenant: h.tenant).stats()
            #expect(own.first { $0.queue == "maintenance" }?.available == 1)
            let tenant = h.tenant
            await #expect(throws: PSQLError.self, "row-level security refuses another tenant's job") {
                try await h.dbs.app.withTenantTransaction(other.id) { connection in
                    try await JobQueue.enqueue([try NewJob(kind: "maintenance.noop")], tenant: tenant, on: connection, logger: TestDatabases.logger)
                }
            }
        }
    }

    @Test("invalid jobs are refused before reaching the database")
    func validation() {
        #expect(throws: JobQueueError.self) { try NewJob(kind: "sms.send") }
        #expect(throws: JobQueueError.self) { try NewJob(kind: "delivery.") }
        #expect(throws: JobQueueError.self) { try NewJob(kind: "delivery.email", priority: 101) }
        #expect(throws: JobQueueError.self) { try NewJob(kind: "delivery.email", payload: "[1]") }
        #expect(throws: JobQueueError.self) { try NewJob(kind: "delivery.email", maxAttempts: 0) }
        #expect((try? NewJob(kind: "ai.summarise"))?.queue == "ai")
    }
}
