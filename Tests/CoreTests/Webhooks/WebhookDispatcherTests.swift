import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// The `webhooks` consumer group's dispatch, called directly on batches of the log.
@Suite("Webhook dispatch")
struct WebhookDispatcherTests {
    static let logger = TestDatabases.logger

    static func count(_ dbs: TestDatabases, tenant: TenantID, _ sql: String) async throws -> Int {
        try await dbs.app.withTenantTransaction(tenant) { connection in
            // `sql` is always a string literal of this file.
            let rows = try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger)
            var value = 0
            for try await count in rows.decode(Int.self) { value = count }
            return value
        }
    }

    @Test("matching events become one message and one job each; a batch read again adds nothing; later subscriptions get no old events")
    func idempotentDispatch() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "dispatch").id
            let store = WebhookSubscriptionStore(tenant: tenant, keyRing: TenantKeyRing(masterKey: .generate()), allowPrivateAddresses: false)
            _ = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await store.create(url: "https://hooks.example.com/a", eventTypes: ["ticket.*"], description: "", on: connection, logger: Self.logger)
            }
            let stream = "ticket/\(UUID().uuidString.lowercased())"
            try await dbs.app.withTenantTransaction(tenant) { connection in
                try await EventStore.append([NewEvent(type: "ticket.created", data: "{}"), NewEvent(type: "ticket.updated", data: "{}"),
                                             NewEvent(type: "note.added", data: "{}")],
                                            to: stream, tenant: tenant, on: connection, logger: Self.logger)
            }
            let events = try await EventStore.readStream(stream, tenant: tenant, database: dbs.app)
            let dispatcher = WebhookDispatcher(database: dbs.platform)
            _ = try await dispatcher.dispatch(events) // a worker of a concurrent test may have dispatched them already
            #expect(try await dispatcher.dispatch(events) == 0, "the same batch again creates nothing")
            #expect(try await Self.count(dbs, tenant: tenant, "SELECT count(*)::int FROM webhook_messages") == 2)
            #expect(try await Self.count(dbs, tenant: tenant, "SELECT count(*)::int FROM jobs WHERE kind = 'delivery.webhook'") == 2)

            _ = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await store.create(url: "https://hooks.example.com/b", eventTypes: ["*"], description: "", on: connection, logger: Self.logger)
            }
            #expect(try await dispatcher.dispatch(events) == 0, "a subscription created later gets no earlier events")
            _ = try await dbs.platform.withConnection { connection in
                try await connection.query("DELETE FROM jobs WHERE tenant_id = \(tenant.rawValue)", logger: Self.logger)
            }
        }
    }

    @Test("the default retry schedule spans at least 24 hours; the settings are read and validated")
    func settings() throws {
        #expect(WebhookSettings.defaults.retrySchedule.reduce(0, +) >= 86_400)
        #expect(WebhookSettings.defaults.retryDelay(afterAttempt: 1) == 5)
        #expect(WebhookSettings.defaults.retryDelay(afterAttempt: 8) == nil)
        let base = [
            "GLAVITO_DATABASE_URL": "postgres://glavito_app:pw@127.0.0.1:5432/glavito",
            "GLAVITO_PLATFORM_DATABASE_URL": "postgres://glavito_platform:pw@127.0.0.1:5432/glavito",
        ]
        let config = try GlavitoConfig.load(from: base.merging([
            "GLAVITO_WEBHOOKS_RETRY_SCHEDULE": "1, 2,3", "GLAVITO_WEBHOOKS_DISABLE_AFTER": "7", "GLAVITO_WEBHOOKS_ALLOW_PRIVATE": "on",
        ]) { _, new in new })
        #expect(config.webhooks.retrySchedule == [1, 2, 3])
        #expect(config.webhooks.disableAfterFailures == 7)
        #expect(config.webhooks.allowPrivateAddresses)
        #expect(config.webhooks.dispatch)
        #expect(try !GlavitoConfig.load(from: base.merging(["GLAVITO_WEBHOOKS_DISPATCH": "off"]) { _, new in new }).webhooks.dispatch)
        #expect(try GlavitoConfig.load(from: base).webhooks == .defaults)
        #expect { try GlavitoConfig.load(from: base.merging(["GLAVITO_WEBHOOKS_RETRY_SCHEDULE": "5,soon"]) { _, new in new }) } throws: { error in
            (error as? ConfigError)?.key == "GLAVITO_WEBHOOKS_RETRY_SCHEDULE"
        }
    }
}
