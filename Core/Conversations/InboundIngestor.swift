import Foundation
import Logging
import PostgresNIO

/// Commits what a channel's webhook reported, in the caller's transaction: each new message lands on its contact
/// (found or created by its identities) and on the contact's open ticket, with its attachments queued for download
/// and the customer-service window moved; each status report advances an outbound message. Events and jobs commit
/// with the data. A message whose provider id is already stored for the account is skipped, so a retried webhook
/// stores nothing twice.
public struct InboundIngestor: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys (identity values are sealed).
    public let keyRing: TenantKeyRing

    /// Creates an ingestor for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    /// What an ingest did.
    public struct Outcome: Sendable, Equatable {
        /// Ids of the messages stored, in the batch's order (a reaction to a message we do not have, kept as a
        /// message of its own, comes after the batch's other messages).
        public var stored: [UUID] = []
        /// Messages already stored before (retried webhooks).
        public var duplicates = 0
        /// Status reports that changed a message.
        public var statusesApplied = 0
        /// Status reports ignored (out of order, or for a message we do not know).
        public var statusesIgnored = 0
        /// Reactions and deletions applied to earlier messages.
        public var updates = 0
    }

    /// Job kind that downloads one attachment.
    public static let mediaJobKind = "media.download_attachment"

    /// Ingests `batch` for `account`.
    public func ingest(_ batch: ChannelWebhookBatch, account: ChannelAccount, on connection: PostgresConnection,
                       logger: Logger) async throws -> Outcome {
        try await ingest([(batch, account)], on: connection, logger: logger)[0]
    }

    /// Ingests several webhooks' batches in the caller's one transaction (group commit), returning an outcome per
    /// batch. Every lock the work needs (each message's provider id, each sender identity) is taken first, in one
    /// sorted statement, and the events are appended last in partition order, so concurrent ingests cannot deadlock
    /// on each other's locks. New messages are stored set-wise (see ``store(_:settings:outcomes:events:on:logger:)``):
    /// a few statements for the whole group, not a few per message.
    public func ingest(_ items: [(ChannelWebhookBatch, ChannelAccount)], on connection: PostgresConnection,
                       logger: Logger) async throws -> [Outcome] {
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        var keys = Set<Int64>()
        for (batch, account) in items {
            for message in batch.messages {
                keys.insert(Self.lockKey(account: account.id, providerID: message.providerMessageID))
                for claim in message.sender {
                    keys.insert(ContactDirectory.lockKey(cipher.blindIndex(claim.value, purpose: ContactDirectory.purpose(claim.kind))))
                }
            }
        }
        // The locks, and the settings in the same round trip.
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(keys.sorted())
        let settings = ConversationSettings.decoded(try await connection.run(LockStatement.self, bindings, logger: logger).first?
            .decode((Int, String?).self).1)
        var events = ConversationEventBuffer(ConversationEvents(tenant: tenant, actor: "system"))
        var outcomes = Array(repeating: Outcome(), count: items.count)
        // New messages first, all together; then reactions and deletions (which may target them), in order; then
        // delivery statuses.
        var fresh: [Arrival] = []
        for (item, (batch, account)) in items.enumerated() {
            for message in batch.messages where !message.isDeletion && message.reaction == nil {
                fresh.append(Arrival(item: item, message: message, account: account))
            }
        }
        try await store(fresh, settings: settings, outcomes: &outcomes, events: &events, on: connection, logger: logger)
        let messages = MessageStore(tenant: tenant)
        var unmatched: [Arrival] = []
        for (item, (batch, account)) in items.enumerated() {
            events.events = ConversationEvents(tenant: tenant, actor: Self.actor(account))
            for message in batch.messages {
                if message.isDeletion {
                    if let hit = try await messages.markDeleted(providerID: message.providerMessageID, account: account.id, on: connection,
                                                                logger: logger) {
                        try events.ticket("message.deleted", try await TicketStore(tenant: tenant).get(hit.ticket, on: connection, logger: logger),
                                          ["message_id": hit.message.uuidString.lowercased()])
                        outcomes[item].updates += 1
                    }
                } else if let reaction = message.reaction {
                    // A reaction (or its removal) shows on the message it targets; applying it again is harmless. Only
                    // a reaction to a message we do not have is kept as a row of its own.
                    guard let hit = try await messages.react(reaction, account: account.id, on: connection, logger: logger) else {
                        unmatched.append(Arrival(item: item, message: message, account: account))
                        continue
                    }
                    try events.ticket("message.reacted", try await TicketStore(tenant: tenant).get(hit.ticket, on: connection, logger: logger),
                                      ["message_id": hit.message.uuidString.lowercased(), "emoji": reaction.emoji ?? ""])
                    outcomes[item].updates += 1
                }
            }
        }
        try await store(unmatched, settings: settings, outcomes: &outcomes, events: &events, on: connection, logger: logger)
        for (item, (batch, account)) in items.enumerated() {
            events.events = ConversationEvents(tenant: tenant, actor: Self.actor(account))
            for status in batch.statuses {
                guard let hit = try await messages.apply(status, account: account.id, on: connection, logger: logger) else {
                    outcomes[item].statusesIgnored += 1
                    continue
                }
                outcomes[item].statusesApplied += 1
                var extra = ["message_id": hit.message.uuidString.lowercased(), "delivery_status": status.status.rawValue]
                if let code = status.errorCode { extra["error_code"] = String(code) }
                try events.ticket("message.status_changed", try await TicketStore(tenant: tenant).get(hit.ticket, on: connection, logger: logger),
                                  extra)
            }
        }
        try await events.flush(on: connection, logger: logger)
        return outcomes
    }

    /// The advisory lock key serialising deliveries of one provider message.
    static func lockKey(account: UUID, providerID: String) -> Int64 {
        ContactDirectory.lockKey(Hashing.hex(Hashing.blake2b(Array("\(account)/\(providerID)".utf8), length: 8)))
    }

    /// Takes the advisory locks `$1` (possibly none), in ascending order, until the transaction ends, and reads the
    /// tenant's conversation settings (``ConversationSettings/LoadStatement``).
    enum LockStatement: PreparedSQL {
        static let name = "glavito_inbound_lock_v2"
        static let sql = """
            SELECT (SELECT count(pg_advisory_xact_lock(k))::int FROM (SELECT unnest($1::int8[]) AS k ORDER BY 1) s),
                   (\(ConversationSettings.LoadStatement.sql))
            """
    }

    /// Who causes the events of a channel's webhook.
    static func actor(_ account: ChannelAccount) -> String { "channel:\(account.id.uuidString.lowercased())" }
}
