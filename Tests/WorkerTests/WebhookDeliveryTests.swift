import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// Outgoing webhooks end to end: events appended to the log, a real `glavito-worker` dispatching and delivering
/// them, a Python receiver verifying signatures with the Standard Webhooks reference library.
@Suite("Webhook delivery", .serialized)
struct WebhookDeliveryTests {
    static let logger = TestDatabases.logger

    static func keyRing() throws -> TenantKeyRing {
        guard let key = MasterKey(base64: try TestEnvironment.value("GLAVITO_MASTER_KEY")) else {
            throw WebhookReceiver.ReceiverError(description: "GLAVITO_MASTER_KEY is not base64 of 32 bytes")
        }
        return TenantKeyRing(masterKey: key)
    }

    static func fleet(_ tenant: TenantID, disableAfter: Int) -> WorkerFleet {
        WorkerFleet(tenant: tenant, settings: [
            "GLAVITO_WEBHOOKS_ALLOW_PRIVATE": "on",
            "GLAVITO_WEBHOOKS_DISPATCH": "on",
            "GLAVITO_WEBHOOKS_RETRY_SCHEDULE": "1,1,1,1,1,1,1,1,1,1",
            "GLAVITO_WEBHOOKS_DISABLE_AFTER": String(disableAfter),
        ])
    }

    static func subscribe(_ dbs: TestDatabases, tenant: TenantID, receiver: WebhookReceiver, types: [String]) async throws -> UUID {
        let store = WebhookSubscriptionStore(tenant: tenant, keyRing: try keyRing(), allowPrivateAddresses: true)
        let (subscription, secret) = try await dbs.app.withTenantTransaction(tenant) { connection in
            try await store.create(url: receiver.url, eventTypes: types, description: "test receiver", on: connection, logger: logger)
        }
        try receiver.setSecret(secret.encoded)
        return subscription.id
    }

    static func append(_ dbs: TestDatabases, tenant: TenantID, stream: String, type: String, data: [String: String]) async throws {
        try await dbs.app.withTenantTransaction(tenant) { connection in
            try await EventStore.append([try NewEvent(type: type, value: data)], to: stream, tenant: tenant, on: connection, logger: logger)
        }
    }

    /// The delivery log, polled until `done` holds (the worker records an attempt just after the receiver answered).
    static func deliveries(_ dbs: TestDatabases, tenant: TenantID, subscription: UUID,
                           until done: ([WebhookDelivery]) -> Bool = { _ in true }) async throws -> [WebhookDelivery] {
        let deadline = ContinuousClock.now + .seconds(20)
        while true {
            let log = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await WebhookDeliveryLog(tenant: tenant).list(subscription: subscription, after: 0, limit: 500, on: connection, logger: logger)
            }
            if done(log) || ContinuousClock.now > deadline { return log }
            try await Task.sleep(for: .milliseconds(200))
        }
    }

    @Test("a receiver failing its first 8 requests gets every event once it recovers, in order per stream; redelivery from the log")
    func recoveryOrderingAndRedelivery() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "hook").id
            let receiver = try await WebhookReceiver.start(failFirst: 8)
            defer { receiver.stop() }
            let subscription = try await Self.subscribe(dbs, tenant: tenant, receiver: receiver, types: ["ticket.*"])
            let streams = (0..<3).map { _ in "ticket/\(UUID().uuidString.lowercased())" }
            for version in 1...4 {
                for (index, stream) in streams.enumerated() {
                    try await Self.append(dbs, tenant: tenant, stream: stream, type: "ticket.updated",
                                          data: ["stream": String(index), "seq": String(version)])
                }
            }
            try await Self.append(dbs, tenant: tenant, stream: "user/1", type: "user.created", data: ["ignored": "yes"])
            let worker = try await Self.fleet(tenant, disableAfter: 1000).start()
            defer { worker.send(SIGKILL) }

            let requests = try await receiver.wait(timeout: .seconds(90)) { requests in
                Set(requests.filter { $0.status == 204 }.compactMap(\.id)).count >= 12
            }
            let accepted = requests.filter { $0.status == 204 }
            #expect(requests.filter { $0.status == 500 }.count == 8, "the first 8 requests failed")
            #expect(requests.allSatisfy { $0.verified }, "every request verifies with the reference library")
            #expect(Set(accepted.compactMap(\.id)).count == 12, "every event arrived: \(accepted.count) of 12; worker: \(worker.output.suffix(3000))")
            #expect(accepted.count == 12, "and each once")
            #expect(!requests.contains { $0.body.contains("user.created") }, "unsubscribed types are not sent")
            for index in 0..<3 {
                let order = accepted.filter { $0.data["stream"] as? String == String(index) }.compactMap { $0.data["seq"] as? String }
                #expect(order == ["1", "2", "3", "4"], "stream \(index) arrived in version order: \(order)")
            }

            let log = try await Self.deliveries(dbs, tenant: tenant, subscription: subscription) { $0.filter(\.succeeded).count >= 12 }
            #expect(log.filter(\.succeeded).count == 12)
            #expect(log.filter { !$0.succeeded }.count == 8)
            #expect(log.filter { !$0.succeeded }.allSatisfy { $0.responseStatus == 500 && $0.durationMilliseconds >= 0 })

            // Redelivery from the log: the same webhook-id again, freshly signed.
            let chosen = try #require(log.first { $0.succeeded })
            _ = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await WebhookDeliveryLog(tenant: tenant).redeliver(subscription: subscription, delivery: chosen.id, on: connection, logger: Self.logger)
            }
            let after = try await receiver.wait(timeout: .seconds(30)) { requests in
                requests.filter { $0.id == chosen.webhookID && $0.status == 204 }.count >= 2
            }
            let again = after.filter { $0.id == chosen.webhookID && $0.status == 204 }
            #expect(again.count == 2, "redelivered once")
            #expect(again.count == 2 && again[0].body == again[1].body, "same body")
            let manual = try await Self.deliveries(dbs, tenant: tenant, subscription: subscription) { $0.contains { $0.manual } }
                .filter(\.manual)
            #expect(manual.count == 1 && manual.first?.succeeded == true)
            worker.send(SIGTERM)
            _ = try await worker.waitForExit(timeout: .seconds(15))
        }
    }

    @Test("a run of failures disables the subscription with an admin notice and an audit entry; enabling resumes delivery")
    func autoDisable() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "hookoff").id
            let receiver = try await WebhookReceiver.start(failFirst: 3)
            defer { receiver.stop() }
            let subscription = try await Self.subscribe(dbs, tenant: tenant, receiver: receiver, types: ["*"])
            try await Self.append(dbs, tenant: tenant, stream: "ticket/1", type: "ticket.created", data: ["seq": "1"])
            try await Self.append(dbs, tenant: tenant, stream: "ticket/1", type: "ticket.updated", data: ["seq": "2"])
            let worker = try await Self.fleet(tenant, disableAfter: 3).start()
            defer { worker.send(SIGKILL) }
            let store = WebhookSubscriptionStore(tenant: tenant, keyRing: try Self.keyRing(), allowPrivateAddresses: true)

            let deadline = ContinuousClock.now + .seconds(60)
            var state = try await dbs.app.withTenantTransaction(tenant) { try await store.get(subscription, on: $0, logger: Self.logger) }
            while state.enabled, ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(250))
                state = try await dbs.app.withTenantTransaction(tenant) { try await store.get(subscription, on: $0, logger: Self.logger) }
            }
            #expect(!state.enabled, "disabled after 3 failures; worker: \(worker.output.suffix(2000))")
            #expect(state.consecutiveFailures == 3)
            #expect(state.disabledReason?.contains("3 failed") == true)
            try await Task.sleep(for: .seconds(3))
            #expect(try receiver.received().count == 3, "nothing is sent while disabled")
            let (notices, audits) = try await dbs.app.withTenantTransaction(tenant) { connection in
                let notices = try await WebhookDeliveryLog(tenant: tenant).notices(limit: 10, on: connection, logger: Self.logger)
                let rows = try await connection.query(
                    "SELECT count(*)::int FROM audit_log WHERE tenant_id = \(tenant.rawValue) AND action = 'webhook.disabled'",
                    logger: Self.logger)
                var audits = 0
                for try await count in rows.decode(Int.self) { audits = count }
                return (notices, audits)
            }
            #expect(notices.count == 1 && notices.first?.kind == "webhook.disabled")
            #expect(audits == 1)

            let (_, resumed) = try await dbs.app.withTenantTransaction(tenant) { try await store.enable(subscription, on: $0, logger: Self.logger) }
            #expect(resumed >= 1, "the pending messages get jobs again (a snoozing one may still hold its own)")
            let requests = try await receiver.wait(timeout: .seconds(30)) { $0.filter { $0.status == 204 }.count >= 2 }
            let order = requests.filter { $0.status == 204 }.compactMap { $0.data["seq"] as? String }
            #expect(order == ["1", "2"], "delivered in order after enabling")
            worker.send(SIGTERM)
            _ = try await worker.waitForExit(timeout: .seconds(15))
        }
    }

    @Test("a worker SIGKILLed mid-delivery loses nothing: another worker delivers every event, first arrivals in order")
    func workerKilledMidDelivery() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "hookkill").id
            let receiver = try await WebhookReceiver.start(failFirst: 0, delayMilliseconds: 400)
            defer { receiver.stop() }
            _ = try await Self.subscribe(dbs, tenant: tenant, receiver: receiver, types: ["*"])
            let stream = "ticket/\(UUID().uuidString.lowercased())"
            for version in 1...8 {
                try await Self.append(dbs, tenant: tenant, stream: stream, type: "ticket.updated", data: ["seq": String(version)])
            }
            let fleet = Self.fleet(tenant, disableAfter: 1000)
            let first = try await fleet.start()
            _ = try await receiver.wait(timeout: .seconds(60)) { $0.count >= 3 }
            first.send(SIGKILL)
            _ = try await first.waitForExit(timeout: .seconds(10))
            let second = try await fleet.start()
            defer { second.send(SIGKILL) }
            let requests = try await receiver.wait(timeout: .seconds(90)) { requests in
                Set(requests.filter { $0.status == 204 }.compactMap(\.id)).count >= 8
            }
            var firstArrivals: [String] = []
            for request in requests where request.status == 204 {
                if let seq = request.data["seq"] as? String, !firstArrivals.contains(seq) { firstArrivals.append(seq) }
            }
            #expect(firstArrivals == (1...8).map(String.init), "every event arrived, in order: \(firstArrivals)")
            #expect(requests.allSatisfy { $0.verified })
            print("webhook kill test: 8 events, \(requests.count) requests (\(requests.count - 8) repeated after the kill)")
            second.send(SIGTERM)
            _ = try await second.waitForExit(timeout: .seconds(15))
        }
    }
}
