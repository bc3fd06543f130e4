import Foundation
import GlavitoCore

/// `delivery.webhook`: sends one event to one subscription (see docs/webhooks.md).
///
/// An automatic job waits (snoozes) while an earlier version of its stream is pending for the same subscription,
/// then sends; a failure snoozes until the next step of the retry schedule (snoozes use no job attempt), and the
/// message fails once the schedule is used up. A manual job (redelivery from the log) sends once. Every attempt is
/// logged in `webhook_deliveries`. Idempotency on the receiver's side: `webhook-id` is the same for every attempt.
struct DeliverWebhookHandler: JobHandler {
    static let kind = WebhookJob.kind

    let sender: WebhookSender
    let keyRing: TenantKeyRing
    let audit: AuditLog
    var settings: WebhookSettings { sender.settings }

    func run(_ job: JobRecord, context: JobContext) async throws {
        let payload = try job.decodePayload(as: WebhookJob.self)
        let logger = context.logger
        let store = WebhookDeliveryStore(tenant: job.tenant, settings: settings, audit: audit)
        let secrets = WebhookSubscriptionStore(tenant: job.tenant, keyRing: keyRing, allowPrivateAddresses: settings.allowPrivateAddresses)
        let preparation = try await context.withTenantTransaction(job) { connection in
            try await store.prepare(payload, secrets: secrets, on: connection, logger: logger)
        }
        switch preparation {
        case .skip(let reason):
            logger.debug("webhook not sent", metadata: ["glavito.reason": .string(reason)])
        case .wait(let delay):
            throw JobControl.snooze(delay)
        case .send(let request, let secret):
            let outcome = await sender.send(request, secret: secret)
            let settlement = try await context.withTenantTransaction(job) { connection in
                try await store.record(payload, request: request, outcome: outcome, on: connection, logger: logger)
            }
            if case .retry(let seconds) = settlement { throw JobControl.snooze(.seconds(seconds)) }
        }
    }
}
