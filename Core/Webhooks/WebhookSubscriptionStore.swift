import Foundation
import Logging
import PostgresNIO

/// A tenant's webhook subscriptions. Every method runs on a connection in a transaction bound to the tenant (row
/// level security applies). Secrets are sealed with the tenant's data key and only ever returned in plain text
/// by ``create(url:eventTypes:description:on:logger:)`` and ``rotateSecret(_:on:logger:)``.
public struct WebhookSubscriptionStore: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys, sealing the secrets.
    public let keyRing: TenantKeyRing
    /// Whether URLs may point at private addresses.
    public let allowPrivateAddresses: Bool

    /// Creates a store for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing, allowPrivateAddresses: Bool) {
        self.tenant = tenant
        self.keyRing = keyRing
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Static SQL: the columns ``decode(_:)`` reads.
    static let columns = """
        id, url, event_types, description, enabled, consecutive_failures, disabled_at, disabled_reason, created_at
        """

    typealias Row = (UUID, String, [String], String, Bool, Int32, Date?, String?, Date)

    static func decode(_ rows: PostgresRowSequence) async throws -> [WebhookSubscription] {
        var out: [WebhookSubscription] = []
        for try await r in rows.decode(Row.self) {
            out.append(WebhookSubscription(id: r.0, url: r.1, eventTypes: r.2, description: r.3, enabled: r.4,
                                           consecutiveFailures: Int(r.5), disabledAt: r.6, disabledReason: r.7, createdAt: r.8))
        }
        return out
    }

    func context(_ id: UUID) -> FieldContext {
        FieldContext(tenant: tenant, table: "webhook_subscriptions", column: "secret_sealed", row: id.uuidString.lowercased())
    }

    /// Creates an enabled subscription and returns it with its new secret (shown once).
    public func create(url: String, eventTypes: [String], description: String, on connection: PostgresConnection,
                       logger: Logger) async throws -> (WebhookSubscription, WebhookSecret) {
        try validate(url: url, eventTypes: eventTypes, description: description)
        let id = UUID()
        let secret = WebhookSecret.generate()
        let sealed = try await keyRing.cipher(for: tenant, on: connection, logger: logger).seal(secret.bytes, context: context(id))
        let rows = try await connection.checkedQuery("""
            INSERT INTO webhook_subscriptions (tenant_id, id, url, event_types, description, secret_sealed)
            VALUES (\(tenant.rawValue), \(id), \(url), \(eventTypes), \(description), \(PostgresByteArray(sealed)))
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let created = try await Self.decode(rows).first else { throw WebhookError.notFound("the subscription was not stored") }
        return (created, secret)
    }

    /// Every subscription, oldest first.
    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [WebhookSubscription] {
        try await Self.decode(connection.checkedQuery("""
            SELECT \(unescaped: Self.columns)
            FROM webhook_subscriptions
            WHERE tenant_id = \(tenant.rawValue)
            ORDER BY created_at, id
            """, logger: logger))
    }

    /// One subscription.
    public func get(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> WebhookSubscription {
        let found = try await Self.decode(connection.checkedQuery("""
            SELECT \(unescaped: Self.columns)
            FROM webhook_subscriptions
            WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
            """, logger: logger))
        guard let subscription = found.first else { throw WebhookError.notFound("no such webhook subscription") }
        return subscription
    }

    /// Changes URL, event types and description (each only when given).
    public func update(_ id: UUID, url: String?, eventTypes: [String]?, description: String?,
                       on connection: PostgresConnection, logger: Logger) async throws -> WebhookSubscription {
        let current = try await get(id, on: connection, logger: logger)
        let (newURL, newTypes, newDescription) = (url ?? current.url, eventTypes ?? current.eventTypes, description ?? current.description)
        try validate(url: newURL, eventTypes: newTypes, description: newDescription)
        let rows = try await connection.checkedQuery("""
            UPDATE webhook_subscriptions
            SET url = \(newURL), event_types = \(newTypes), description = \(newDescription), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let updated = try await Self.decode(rows).first else { throw WebhookError.notFound("no such webhook subscription") }
        return updated
    }

    /// Deletes a subscription with its messages and delivery log.
    public func delete(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.checkedQuery("""
            DELETE FROM webhook_subscriptions
            WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return }
        throw WebhookError.notFound("no such webhook subscription")
    }

    /// Enables a subscription (clearing its failure count) and enqueues a delivery job for each message still
    /// pending, so delivery resumes where it stopped, in order. Returns the subscription and the jobs enqueued.
    public func enable(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> (WebhookSubscription, Int) {
        let rows = try await connection.checkedQuery("""
            UPDATE webhook_subscriptions
            SET enabled = true, consecutive_failures = 0, disabled_at = NULL, disabled_reason = NULL, updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let enabled = try await Self.decode(rows).first else { throw WebhookError.notFound("no such webhook subscription") }
        let pending = try await connection.checkedQuery("""
            UPDATE webhook_messages
            SET next_attempt_at = now(), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND subscription_id = \(id) AND state = 'pending'
            RETURNING stream, version
            """, logger: logger)
        var jobs: [NewJob] = []
        for try await (stream, version) in pending.decode((String, Int).self) {
            jobs.append(try WebhookJob(subscription: id, stream: stream, version: version, manual: false).newJob())
        }
        let inserted = try await JobQueue.enqueue(jobs, tenant: tenant, on: connection, logger: logger)
        return (enabled, inserted.count)
    }

    /// Replaces the secret; the old one stops verifying at once. Returns the new secret (shown once).
    public func rotateSecret(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> WebhookSecret {
        let secret = WebhookSecret.generate()
        let sealed = try await keyRing.cipher(for: tenant, on: connection, logger: logger).seal(secret.bytes, context: context(id))
        let rows = try await connection.checkedQuery("""
            UPDATE webhook_subscriptions
            SET secret_sealed = \(PostgresByteArray(sealed)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
            RETURNING id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return secret }
        throw WebhookError.notFound("no such webhook subscription")
    }

    /// The subscription's secret, unsealed (delivery only).
    public func secret(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> WebhookSecret {
        let rows = try await connection.checkedQuery("""
            SELECT secret_sealed FROM webhook_subscriptions WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
            """, logger: logger)
        for try await sealed in rows.decode(PostgresByteArray.self) {
            let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
            return WebhookSecret(bytes: try cipher.open(sealed.bytes, context: context(id)))
        }
        throw WebhookError.notFound("no such webhook subscription")
    }

    func validate(url: String, eventTypes: [String], description: String) throws {
        do {
            try WebhookURLPolicy.validate(url, allowPrivate: allowPrivateAddresses)
        } catch {
            throw WebhookError.invalid(error.description)
        }
        try WebhookSubscription.validate(eventTypes: eventTypes)
        guard description.count <= 500 else { throw WebhookError.invalid("the description has at most 500 characters") }
    }
}
