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
        /// Ids of the messages stored, in the batch's order.
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
    /// on each other's locks.
    public func ingest(_ items: [(ChannelWebhookBatch, ChannelAccount)], on connection: PostgresConnection,
                       logger: Logger) async throws -> [Outcome] {
        let settings = try await ConversationSettings.load(on: connection, logger: logger)
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
        if !keys.isEmpty {
            try await connection.query("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(\(keys.sorted())) AS k ORDER BY 1) s",
                                       logger: logger)
        }
        var events = ConversationEventBuffer(ConversationEvents(tenant: tenant, actor: "system"))
        var outcomes: [Outcome] = []
        for (batch, account) in items {
            events.events = ConversationEvents(tenant: tenant, actor: "channel:\(account.id.uuidString.lowercased())")
            outcomes.append(try await ingestLocked(batch, account: account, settings: settings, events: &events, on: connection, logger: logger))
        }
        try await events.flush(on: connection, logger: logger)
        return outcomes
    }

    /// The advisory lock key serialising deliveries of one provider message.
    static func lockKey(account: UUID, providerID: String) -> Int64 {
        ContactDirectory.lockKey(Hashing.hex(Hashing.blake2b(Array("\(account)/\(providerID)".utf8), length: 8)))
    }

    func ingestLocked(_ batch: ChannelWebhookBatch, account: ChannelAccount, settings: ConversationSettings,
                      events: inout ConversationEventBuffer, on connection: PostgresConnection, logger: Logger) async throws -> Outcome {
        var outcome = Outcome()
        let messages = MessageStore(tenant: tenant)
        for message in batch.messages {
            if message.isDeletion {
                if let hit = try await messages.markDeleted(providerID: message.providerMessageID, account: account.id, on: connection, logger: logger) {
                    try events.ticket("message.deleted", try await TicketStore(tenant: tenant).get(hit.ticket, on: connection, logger: logger),
                                            ["message_id": hit.message.uuidString.lowercased()])
                    outcome.updates += 1
                }
                continue
            }
            // A reaction (or its removal) shows on the message it targets; applying it again is harmless. Only a
            // reaction to a message we do not have is kept as a row of its own.
            if let reaction = message.reaction,
               let hit = try await messages.react(reaction, account: account.id, on: connection, logger: logger) {
                try events.ticket("message.reacted", try await TicketStore(tenant: tenant).get(hit.ticket, on: connection, logger: logger),
                                        ["message_id": hit.message.uuidString.lowercased(), "emoji": reaction.emoji ?? ""])
                outcome.updates += 1
                continue
            }
            if try await messages.id(ofProvider: message.providerMessageID, account: account.id, on: connection, logger: logger) != nil {
                outcome.duplicates += 1
                continue
            }
            outcome.stored.append(try await store(message, account: account, settings: settings, events: &events, on: connection, logger: logger))
        }
        for status in batch.statuses {
            guard let hit = try await messages.apply(status, account: account.id, on: connection, logger: logger) else {
                outcome.statusesIgnored += 1
                continue
            }
            outcome.statusesApplied += 1
            var extra = ["message_id": hit.message.uuidString.lowercased(), "delivery_status": status.status.rawValue]
            if let code = status.errorCode { extra["error_code"] = String(code) }
            try events.ticket("message.status_changed", try await TicketStore(tenant: tenant).get(hit.ticket, on: connection, logger: logger),
                                    extra)
        }
        return outcome
    }

    func store(_ message: InboundMessage, account: ChannelAccount, settings: ConversationSettings, events: inout ConversationEventBuffer,
               on connection: PostgresConnection, logger: Logger) async throws -> UUID {
        let id = UUID()
        let directory = ContactDirectory(tenant: tenant, keyRing: keyRing)
        let resolution = try await directory.resolve(message.sender, profileName: message.isEcho ? nil : message.profileName,
                                                     sourceMessage: id, locked: true, on: connection, logger: logger)
        try events.resolved(resolution, channel: message.channel, message: id)
        let tickets = TicketStore(tenant: tenant)
        let subject = message.text.map { String($0.prefix(120)) } ?? message.type.rawValue
        let (ticket, created, reopened) = try await tickets.ticketForInbound(contact: resolution.contactID, channel: message.channel,
                                                                            account: account.id, subject: subject, settings: settings,
                                                                            on: connection, logger: logger)
        let messages = MessageStore(tenant: tenant)
        let replyTo = try await message.replyToProviderMessageID.asyncMap {
            try await messages.id(ofProvider: $0, account: account.id, on: connection, logger: logger)
        } ?? nil
        let direction = message.isEcho ? "outbound" : "inbound"
        var new = MessageStore.New(ticketID: ticket.id, contactID: resolution.contactID, channel: message.channel, channelAccountID: account.id,
                                   direction: direction, authorKind: message.isEcho ? "agent" : "contact", type: message.type,
                                   text: message.text, content: message.content, providerMessageID: message.providerMessageID,
                                   replyToMessageID: replyTo, deliveryStatus: message.isEcho ? .sent : nil, sentAt: message.sentAt)
        new.id = id
        try await messages.insert(new, on: connection, logger: logger)
        let attachmentIDs = try await messages.addAttachments(message.media, message: id, on: connection, logger: logger)
        if !attachmentIDs.isEmpty {
            let jobs = try attachmentIDs.map { try NewJob(kind: Self.mediaJobKind, encoding: ["attachment_id": $0.uuidString.lowercased()],
                                                          maxAttempts: 12, uniqueKey: "attachment:\($0.uuidString.lowercased())") }
            _ = try await JobQueue.enqueue(jobs, tenant: tenant, on: connection, logger: logger, notify: true)
        }
        if !message.isEcho, let scoped = message.sender.indices.first(where: { !message.sender[$0].kind.linksAcrossChannels }) {
            var bindings = PostgresBindings(capacity: 5)
            bindings.append(tenant.rawValue)
            bindings.append(account.id)
            bindings.append(resolution.identityIDs[scoped])
            bindings.append(resolution.contactID)
            bindings.append(message.sentAt)
            _ = try await connection.run(ChannelWindowStatement.self, bindings, logger: logger)
        }
        try await tickets.touch(ticket.id, direction: direction, channel: message.channel, account: account.id, at: message.sentAt,
                                on: connection, logger: logger)
        if created {
            try events.ticket("ticket.created", ticket, ["channel": message.channel.rawValue])
        } else if reopened {
            try events.ticket("ticket.reopened", ticket, [:])
        }
        try events.ticket(message.isEcho ? "message.sent" : "message.received", ticket,
                                ["message_id": id.uuidString.lowercased(), "channel": message.channel.rawValue, "type": message.type.rawValue,
                                 "direction": direction])
        return id
    }
}

extension Optional {
    func asyncMap<T>(_ transform: (Wrapped) async throws -> T) async rethrows -> T? {
        switch self {
        case .some(let value): try await transform(value)
        case .none: nil
        }
    }
}
