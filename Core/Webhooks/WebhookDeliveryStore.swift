import Foundation
import Logging
import PostgresNIO

/// The worker's side of a `delivery.webhook` job: decides whether a message may be sent now (pending, its
/// subscription enabled, no earlier version of its stream pending for the same subscription), builds the signed
/// request, and records the outcome: the delivery log row, the message's state and the subscription's failure run,
/// disabling the subscription with an admin notice and an audit entry once the run reaches the threshold.
/// Every method runs on a connection in a transaction bound to the job's tenant.
public struct WebhookDeliveryStore: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Retry schedule and failure threshold.
    public let settings: WebhookSettings
    /// Writes the audit entry when a subscription is disabled.
    public let audit: AuditLog?

    /// Creates a store for `tenant`.
    public init(tenant: TenantID, settings: WebhookSettings, audit: AuditLog?) {
        self.tenant = tenant
        self.settings = settings
        self.audit = audit
    }

    /// Decides what `job` does now and, when it may send, builds the request.
    public func prepare(_ job: WebhookJob, secrets: WebhookSubscriptionStore, on connection: PostgresConnection,
                        logger: Logger) async throws -> Preparation {
        let rows = try await connection.checkedQuery("""
            SELECT m.state, m.attempts, extract(epoch FROM m.next_attempt_at - now())::float8, s.enabled, s.url,
                   e.partition, e.position, e.type, e.data::text, e.recorded_at,
                   (SELECT extract(epoch FROM min(p.next_attempt_at) - now())::float8
                    FROM webhook_messages p
                    WHERE p.tenant_id = m.tenant_id AND p.subscription_id = m.subscription_id AND p.stream = m.stream
                      AND p.version < m.version AND p.state = 'pending')
            FROM webhook_messages m
            JOIN webhook_subscriptions s ON s.tenant_id = m.tenant_id AND s.id = m.subscription_id
            JOIN events e ON e.tenant_id = m.tenant_id AND e.stream = m.stream AND e.version = m.version
            WHERE m.tenant_id = \(tenant.rawValue) AND m.subscription_id = \(job.subscription)
              AND m.stream = \(job.stream) AND m.version = \(job.version)
            """, logger: logger)
        typealias Row = (String, Int, Double, Bool, String, Int, Int64, String, String, Date, Double?)
        var found: Row?
        for try await row in rows.decode(Row.self) { found = row }
        guard let (state, attempts, ownWait, enabled, url, partition, position, type, data, recordedAt, predecessorWait) = found else {
            return .skip("the message or its subscription no longer exists")
        }
        if !job.manual {
            guard state == "pending" else { return .skip("the message is \(state) already") }
            guard enabled else { return .skip("the subscription is disabled") }
            if let predecessorWait { return .wait(.milliseconds(Int(min(max(predecessorWait, 0) + 0.5, 60) * 1000))) }
            if ownWait > 0.05 { return .wait(.milliseconds(Int(ownWait * 1000))) }
        }
        let request = Request(url: url, webhookID: "evt_\(partition)_\(position)",
                              body: try Self.body(type: type, recordedAt: recordedAt, data: data), eventType: type, attempt: attempts + 1)
        return .send(request, try await secrets.secret(job.subscription, on: connection, logger: logger))
    }

    /// The Standard Webhooks body of an event.
    public static func body(type: String, recordedAt: Date, data: String) throws -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return "{\"type\":\(try JSONCoding.encode(type)),\"timestamp\":\"\(formatter.string(from: recordedAt))\",\"data\":\(data)}"
    }

    /// Records an attempt of `job` and settles its message and subscription.
    public func record(_ job: WebhookJob, request: Request, outcome: Outcome, on connection: PostgresConnection,
                       logger: Logger) async throws -> Settlement {
        let succeeded = outcome.succeeded
        try await connection.checkedQuery("""
            INSERT INTO webhook_deliveries (tenant_id, subscription_id, stream, version, event_type, webhook_id, attempt,
                                            manual, request_url, request_body, request_timestamp, response_status,
                                            duration_ms, error, succeeded)
            VALUES (\(tenant.rawValue), \(job.subscription), \(job.stream), \(job.version), \(request.eventType),
                    \(request.webhookID), \(request.attempt), \(job.manual), \(request.url), \(request.body),
                    \(outcome.timestamp), \(outcome.status), \(outcome.durationMilliseconds), \(outcome.error), \(succeeded))
            """, logger: logger)
        if succeeded {
            try await connection.checkedQuery("""
                UPDATE webhook_messages
                SET state = 'delivered', attempts = attempts + 1, last_status = \(outcome.status), updated_at = now()
                WHERE tenant_id = \(tenant.rawValue) AND subscription_id = \(job.subscription)
                  AND stream = \(job.stream) AND version = \(job.version)
                """, logger: logger)
            try await connection.checkedQuery("""
                UPDATE webhook_subscriptions
                SET consecutive_failures = 0
                WHERE tenant_id = \(tenant.rawValue) AND id = \(job.subscription) AND consecutive_failures <> 0
                """, logger: logger)
            return .delivered
        }
        if job.manual { return .failed }
        let delay = settings.retryDelay(afterAttempt: request.attempt)
        try await connection.checkedQuery("""
            UPDATE webhook_messages
            SET attempts = \(request.attempt), last_status = \(outcome.status),
                state = CASE WHEN \(delay)::int4 IS NULL THEN 'failed' ELSE 'pending' END,
                next_attempt_at = now() + make_interval(secs => coalesce(\(delay)::int4, 0)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND subscription_id = \(job.subscription)
              AND stream = \(job.stream) AND version = \(job.version)
            """, logger: logger)
        let threshold = settings.disableAfterFailures
        let reason = "disabled after \(threshold) failed delivery attempts in a row"
        let disabled = try await connection.checkedQuery("""
            UPDATE webhook_subscriptions
            SET consecutive_failures = consecutive_failures + 1,
                enabled = enabled AND consecutive_failures + 1 < \(threshold),
                disabled_at = CASE WHEN enabled AND consecutive_failures + 1 >= \(threshold) THEN now() ELSE disabled_at END,
                disabled_reason = CASE WHEN enabled AND consecutive_failures + 1 >= \(threshold) THEN \(reason) ELSE disabled_reason END,
                updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(job.subscription)
            RETURNING disabled_at = now(), url
            """, logger: logger)
        var justDisabled = false
        for try await (flag, _) in disabled.decode((Bool?, String).self) { justDisabled = flag ?? false }
        if justDisabled {
            try await notifyDisabled(job.subscription, url: request.url, reason: reason, on: connection, logger: logger)
            return .disabledSubscription
        }
        return delay.map { .retry(seconds: $0) } ?? .failed
    }

    func notifyDisabled(_ subscription: UUID, url: String, reason: String, on connection: PostgresConnection, logger: Logger) async throws {
        let subject = "Webhook subscription disabled"
        let message = "The webhook subscription \(subscription.uuidString.lowercased()) to \(url) was \(reason). "
            + "Fix the receiver, then enable the subscription again: pending events are delivered then, in order."
        try await connection.checkedQuery("""
            INSERT INTO admin_notices (tenant_id, kind, subject, message)
            VALUES (\(tenant.rawValue), 'webhook.disabled', \(subject), \(message))
            """, logger: logger)
        try await audit?.append(AuditEvent(actorKind: .system, action: "webhook.disabled",
                                           target: "webhook:\(subscription.uuidString.lowercased())",
                                           details: ["reason": reason]), tenant: tenant, on: connection, logger: logger)
        logger.warning("webhook subscription disabled", metadata: ["glavito.webhook": "\(subscription)", "glavito.reason": "\(reason)"])
    }
}
