import Foundation
import Logging
import PostgresNIO

/// The admins' side of deliveries: a subscription's log, redelivery of a logged message, and admin notices.
/// Every method runs on a connection in a transaction bound to the tenant.
public struct WebhookDeliveryLog: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates a log reader for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// A subscription's attempts with ids above `after`, oldest first.
    public func list(subscription: UUID, after: Int64, limit: Int, on connection: PostgresConnection,
                     logger: Logger) async throws -> [WebhookDelivery] {
        let rows = try await connection.checkedQuery("""
            SELECT id, stream, version, event_type, webhook_id, attempt, manual, request_url, request_body,
                   request_timestamp, response_status, duration_ms, error, succeeded, created_at
            FROM webhook_deliveries
            WHERE tenant_id = \(tenant.rawValue) AND subscription_id = \(subscription) AND id > \(after)
            ORDER BY id
            LIMIT \(limit)
            """, logger: logger)
        typealias Row = (Int64, String, Int, String, String, Int, Bool, String, String, Int64, Int?, Int, String?, Bool, Date)
        var out: [WebhookDelivery] = []
        for try await r in rows.decode(Row.self) {
            out.append(WebhookDelivery(id: r.0, stream: r.1, version: r.2, eventType: r.3, webhookID: r.4, attempt: r.5,
                                       manual: r.6, url: r.7, requestBody: r.8, requestTimestamp: r.9, responseStatus: r.10,
                                       durationMilliseconds: r.11, error: r.12, succeeded: r.13, createdAt: r.14))
        }
        return out
    }

    /// Enqueues a manual redelivery of the message a logged attempt carried (sent at once, with the same
    /// `webhook-id`, a fresh timestamp and signature, whatever the subscription's state). Returns the job, or
    /// the same redelivery may already be pending, in which case this one is a no-op.
    public func redeliver(subscription: UUID, delivery: Int64, on connection: PostgresConnection, logger: Logger) async throws -> WebhookJob {
        let rows = try await connection.checkedQuery("""
            SELECT stream, version
            FROM webhook_deliveries
            WHERE tenant_id = \(tenant.rawValue) AND subscription_id = \(subscription) AND id = \(delivery)
            """, logger: logger)
        for try await (stream, version) in rows.decode((String, Int).self) {
            let job = WebhookJob(subscription: subscription, stream: stream, version: version, manual: true)
            try await JobQueue.enqueue([try job.newJob()], tenant: tenant, on: connection, logger: logger, notify: true)
            return job
        }
        throw WebhookError.notFound("no such delivery for this subscription")
    }

    /// Notices for admins, newest first.
    public func notices(limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> [AdminNotice] {
        let rows = try await connection.checkedQuery("""
            SELECT id, kind, subject, message, created_at
            FROM admin_notices
            WHERE tenant_id = \(tenant.rawValue)
            ORDER BY id DESC
            LIMIT \(limit)
            """, logger: logger)
        var out: [AdminNotice] = []
        for try await (id, kind, subject, message, created) in rows.decode((Int64, String, String, String, Date).self) {
            out.append(AdminNotice(id: id, kind: kind, subject: subject, message: message, createdAt: created))
        }
        return out
    }
}
