import Foundation
import GlavitoCore
import Logging
import Synchronization

/// `delivery.email_message`: writes one outbound email (branded, threaded, DKIM-signed when configured) and hands
/// it to the SMTP relay. 4xx answers and lost connections before the final dot retry with the queue's back-off; 5xx
/// answers fail the message with the relay's text. A worker that dies after the final dot went out leaves the
/// in-doubt marker, and the next attempt reports the message failed ("outcome unknown") instead of sending a
/// second copy.
struct SendEmailMessageHandler: JobHandler {
    static let kind = OutboundComposer.jobKind(.email)

    let keyRing: TenantKeyRing
    let defaultRelay: SMTPRelay?
    let storage: any AttachmentStorage

    struct Payload: Decodable {
        let messageID: UUID
        enum CodingKeys: String, CodingKey { case messageID = "message_id" }
    }

    /// Set once the in-doubt marker is committed.
    final class Started: Sendable {
        let value = Mutex(false)
    }

    func run(_ job: JobRecord, context: JobContext) async throws {
        let id = try job.decodePayload(as: Payload.self).messageID
        let logger = context.logger
        let outbound = OutboundDelivery(tenant: job.tenant, keyRing: keyRing)
        let preparation: EmailDelivery.Preparation
        do {
            preparation = try await context.withTenantTransaction(job) { connection in
                try await EmailDelivery(tenant: job.tenant, keyRing: keyRing).prepare(id, defaultRelay: defaultRelay, on: connection, logger: logger)
            }
        } catch let error as MailError {
            // A configuration gap (no relay, a key that does not load) will not heal by retrying: say so on the message.
            try await context.withTenantTransaction(job) { connection in
                try await outbound.settleFailed(id, code: nil, title: "Email is not set up to send", detail: error.description, on: connection, logger: logger)
            }
            return
        }
        let prepared: EmailDelivery.Prepared
        switch preparation {
        case .done(let reason):
            logger.debug("nothing to send", metadata: ["glavito.reason": .string(reason)])
            return
        case .inDoubt:
            try await context.withTenantTransaction(job) { connection in
                try await outbound.settleFailed(id, code: nil, title: "Outcome unknown",
                                                detail: "The relay may have received this email before the worker stopped; it was not sent again to avoid a duplicate. Send it again if the customer did not get it.",
                                                on: connection, logger: logger)
            }
            return
        case .send(let value):
            prepared = value
        }
        var email = prepared.email
        for file in prepared.files {
            email.attachments.append(EmailAttachment(filename: file.filename, contentType: file.contentType, contentID: nil, isInline: false,
                                                     data: try await storage.read(file.storageKey)))
        }
        var bytes = MIMEWriter.render(email)
        if let signer = prepared.signer { bytes = try signer.sign(bytes) }
        let started = Started()
        let lastAttempt = job.attempt >= job.maxAttempts
        do {
            let receipt = try await SMTPClient(relay: prepared.relay).send(bytes, from: prepared.envelopeFrom, to: prepared.recipients) {
                try await context.withTenantTransaction(job) { connection in
                    try await outbound.markStarted(id, on: connection, logger: logger)
                }
                started.value.withLock { $0 = true }
            }
            try await context.withTenantTransaction(job) { connection in
                try await outbound.settleSent(id, providerID: prepared.email.messageID, on: connection, logger: logger)
            }
            if !receipt.refused.isEmpty {
                logger.warning("the relay refused some recipients", metadata: ["glavito.refused": "\(receipt.refused.keys.sorted())"])
            }
        } catch let error as SMTPClientError {
            let inDoubt = started.value.withLock { $0 }
            if case .refused(_, let reply) = error {
                try await context.withTenantTransaction(job) { connection in
                    if reply.isTransient && !lastAttempt {
                        try await outbound.clearStarted(id, on: connection, logger: logger)
                    } else {
                        try await outbound.settleFailed(id, code: reply.code, title: "The mail server refused the email", detail: error.description,
                                                        on: connection, logger: logger)
                    }
                }
                if reply.isTransient && !lastAttempt { throw error }
                return
            }
            // No answer. Before the final dot nothing was handed over and the retry sends; after it the marker stays
            // and the retry reports the outcome as unknown instead of sending again. The last attempt settles here.
            if lastAttempt {
                try await context.withTenantTransaction(job) { connection in
                    try await outbound.settleFailed(id, code: nil, title: inDoubt ? "Outcome unknown" : "No answer from the mail server",
                                                    detail: error.description, on: connection, logger: logger)
                }
                return
            }
            throw error
        }
    }
}
