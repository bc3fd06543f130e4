import Foundation
import GlavitoCore
import Testing

@testable import Worker

@Suite("Worker slot accounting")
struct RunnerStateTests {
    static func job(_ id: Int64) -> JobRecord {
        JobRecord(tenant: TenantID(UUID()), id: id, kind: "maintenance.noop", queue: "maintenance", priority: 0, attempt: 1,
                  maxAttempts: 5, fence: 1, leaseOwner: "test", payload: "{}", createdAt: Date(), runAt: Date())
    }

    @Test("a job past its timeout stops holding a slot and its lease is no longer extended; unflushed completions still hold theirs")
    func overdueJobsFreeTheirSlots() {
        let inFlight = InFlightJobs()
        inFlight.start(Self.job(1))
        inFlight.start(Self.job(2))
        inFlight.finish(Self.job(2), completed: true)
        #expect(inFlight.heldCount == 2)
        let (leases, overdue) = inFlight.leasesToExtend(timeout: .zero)
        #expect(overdue.map(\.id) == [1])
        #expect(leases.count == 1, "only the completed job's lease is extended")
        #expect(inFlight.heldCount == 1, "the stuck job no longer counts against the slots")
        #expect(inFlight.leasesToExtend(timeout: .zero).newlyOverdue.isEmpty, "reported once")
        inFlight.finish(Self.job(1), completed: false)
        #expect(inFlight.heldCount == 1)
        #expect(inFlight.takeCompleted(limit: 10).map(\.id) == [2])
        #expect(inFlight.heldCount == 0)
    }
}
