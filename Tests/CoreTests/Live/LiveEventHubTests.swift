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
                hub.dispatch((1...5).map { index in
                    RecordedEvent(tenant: busy, stream: "ticket/x", version: index, partition: 0, position: base + Int64(index),
                                  type: "ticket.updated", data: "{}", metadata: "{}", recordedAt: Date())
                })
                var delivered: [Int] = []
                for await event in slow.events { delivered.append(event.record.version) }
                #expect(delivered == [1, 2, 3], "the buffered events, then the end")
                #expect(slow.endReason == .tooSlow)
                #expect(bystander.endReason == nil)

                group.cancelAll()
                try await group.waitForAll()
                for await _ in bystander.events {}
                #expect(bystander.endReason == .shuttingDown)
                await #expect(throws: LiveError.self) { try await hub.subscribe(tenant: quiet) }
            }
        }
    }
}
