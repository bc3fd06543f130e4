import Foundation
import GlavitoTestSupport
import Testing

@testable import GlavitoCore

/// The hub's bounded buffers and its stop, with events handed to `dispatch` directly.
@Suite("Live event hub")
struct LiveEventHubTests {
    @Test("a subscriber whose buffer fills is ended as too slow and dropped; the others keep theirs; a stop ends them all")
    func overflowAndStop() async throws {
        try await TestDatabases.with { dbs in
            var settings = LiveEventHub.Settings()
            settings.subscriberBuffer = 3
            let hub = LiveEventHub(database: dbs.platform, settings: settings)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await hub.run() }
                let (busy, quiet) = (TenantID(UUID()), TenantID(UUID()))
                let slow = try await hub.subscribe(tenant: busy)
                let bystander = try await hub.subscribe(tenant: quiet)
                // Far beyond any real position, so the hub's own polling cannot interleave with these.
                let base = slow.start.position(0) + 1_000_000_000
                func records(_ versions: ClosedRange<Int>) -> [RecordedEvent] {
                    versions.map { index in
                        RecordedEvent(tenant: busy, stream: "ticket/x", version: index, partition: 0, position: base + Int64(index),
                                      type: "ticket.updated", data: "{}", metadata: "{}", recordedAt: Date())
                    }
                }
                // Two polls' worth: the first batch fits the buffer of 3, the second would overflow it.
                hub.dispatch(records(1...2))
                hub.dispatch(records(3...4))
                var delivered: [[Int]] = []
                for await batch in slow.batches { delivered.append(batch.map(\.record.version)) }
                #expect(delivered == [[1, 2]], "the batch that fitted, then the end")
                #expect(slow.endReason == .tooSlow)
                #expect(bystander.endReason == nil)

                group.cancelAll()
                try await group.waitForAll()
                for await _ in bystander.batches {}
                #expect(bystander.endReason == .shuttingDown)
                await #expect(throws: LiveError.self) { try await hub.subscribe(tenant: quiet) }
            }
        }
    }
}
