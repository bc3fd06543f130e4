import Foundation
import GlavitoCore
import Logging

/// What the channel send handlers share: the prepare / mark / send / settle cycle of ``OutboundDelivery``.
struct OutboundSendSupport: Sendable {
    let keyRing: TenantKeyRing
    let doubt: Duration

    struct Payload: Decodable {
        let messageID: UUID
        enum CodingKeys: String, CodingKey { case messageID = "message_id" }
    }

    /// Runs one attempt: `send` gets the prepared message and returns the provider's id, or throws a
    /// ``GraphAPIClient/GraphError`` (a definite answer) or anything else (unknown outcome).
    func run(_ job: JobRecord, context: JobContext, send: (OutboundDelivery.Prepared) async throws -> String) async throws {
        try await run(job, context: context, stage: nil) { prepared, _ in try await send(prepared) }
    }

    /// Runs one attempt with a stage before the send: for a message with files, `stage` runs first (WhatsApp
    /// uploads them and returns their media ids), before the in-doubt marker is set, so a failed or lost upload
    /// just retries; only the send itself is guarded by the marker. `send` gets what `stage` returned (nothing when
    /// the message has no files).
    func run(_ job: JobRecord, context: JobContext, stage: ((OutboundDelivery.Prepared) async throws -> [String])?,
             send: (OutboundDelivery.Prepared, [String]) async throws -> String) async throws {
        let payload = try job.decodePayload(as: Payload.self)
        let delivery = OutboundDelivery(tenant: job.tenant, keyRing: keyRing)
        let logger = context.logger
        let staging = stage != nil
        let preparation = try await context.withTenantTransaction(job) { connection in
            let preparation = try await delivery.prepare(payload.messageID, doubt: doubt, on: connection, logger: logger)
            if case .send(let prepared) = preparation, !staging || prepared.files.isEmpty {
                try await delivery.markStarted(payload.messageID, on: connection, logger: logger)
            }
            return preparation
        }
        let prepared: OutboundDelivery.Prepared
        switch preparation {
        case .done(let reason):
            logger.debug("nothing to send", metadata: ["glavito.reason": .string(reason)])
            return
        case .wait(let delay):
            logger.info("an earlier attempt's outcome is unknown; waiting for a status webhook before sending again")
            throw JobControl.snooze(delay)
        case .send(let value):
            prepared = value
        }
        var staged: [String] = []
        if let stage, !prepared.files.isEmpty {
            guard let value = try await self.stage(job, context: context, prepared: prepared, stage) else { return }
            staged = value
            try await context.withTenantTransaction(job) { connection in
                try await delivery.markStarted(payload.messageID, on: connection, logger: logger)
            }
        }
        let lastAttempt = job.attempt >= job.maxAttempts
        do {
            let providerID = try await send(prepared, staged)
            try await context.withTenantTransaction(job) { connection in
                try await delivery.settleSent(payload.messageID, providerID: providerID, on: connection, logger: logger)
            }
        } catch let refusal as GraphAPIClient.GraphError {
            try await context.withTenantTransaction(job) { connection in
                if refusal.retryable && !lastAttempt {
                    try await delivery.clearStarted(payload.messageID, on: connection, logger: logger)
                } else {
                    try await delivery.settleFailed(payload.messageID, code: refusal.code, title: refusal.message, detail: refusal.details,
                                                    on: connection, logger: logger)
                }
            }
            if refusal.retryable && !lastAttempt { throw refusal }
            logger.warning("message refused", metadata: ["glavito.error": .string(refusal.description)])
        } catch let error as OutboundRefusal {
            try await context.withTenantTransaction(job) { connection in
                try await delivery.settleFailed(payload.messageID, code: nil, title: error.title, detail: error.detail, on: connection, logger: logger)
            }
        } catch {
            // No answer: the outcome is unknown and the in-doubt marker stays.
            if lastAttempt {
                try await context.withTenantTransaction(job) { connection in
                    try await delivery.settleFailed(payload.messageID, code: nil, title: "No answer from the channel",
                                                    detail: String(describing: error), on: connection, logger: logger)
                }
                return
            }
            throw error
        }
    }
}

extension OutboundSendSupport {
    /// Runs `stage`; nothing has been sent yet, so a definite refusal (or the last attempt) fails the message and
    /// anything else retries. `nil` when the message was settled as failed.
    func stage(_ job: JobRecord, context: JobContext, prepared: OutboundDelivery.Prepared,
               _ stage: (OutboundDelivery.Prepared) async throws -> [String]) async throws -> [String]? {
        let delivery = OutboundDelivery(tenant: job.tenant, keyRing: keyRing)
        let logger = context.logger
        let lastAttempt = job.attempt >= job.maxAttempts
        func fail(_ code: Int?, _ title: String, _ detail: String) async throws {
            try await context.withTenantTransaction(job) { connection in
                try await delivery.settleFailed(prepared.messageID, code: code, title: title, detail: detail, on: connection, logger: logger)
            }
        }
        do {
            return try await stage(prepared)
        } catch let refusal as GraphAPIClient.GraphError {
            if refusal.retryable && !lastAttempt { throw refusal }
            try await fail(refusal.code, refusal.message, refusal.details)
        } catch let refusal as OutboundRefusal {
            try await fail(nil, refusal.title, refusal.detail)
        } catch {
            if !lastAttempt { throw error }
            try await fail(nil, "The file could not be uploaded", String(describing: error))
        }
        logger.warning("the message's files were refused; nothing was sent")
        return nil
    }
}

/// A message we refuse to send ourselves (it would break a channel rule), without asking the provider.
struct OutboundRefusal: Error {
    let title: String
    let detail: String
}
