import Foundation
import Logging
import PostgresNIO

extension InboundIngestor {
    /// A new message of one of the group's webhooks.
    struct Arrival {
        /// Which webhook of the group it came in.
        var item: Int
        var message: InboundMessage
        var account: ChannelAccount

        var key: MessageStore.ProviderKey { MessageStore.ProviderKey(account: account.id, providerID: message.providerMessageID) }
    }

    /// Stores new messages set-wise, with the effect of storing them one after the other: messages already stored
    /// (or twice in the group) count as duplicates; each sender is resolved to a contact, each contact's message
    /// joins its ticket (a later message the ticket an earlier one opened), then the messages, their attachments
    /// and download jobs, the customer-service windows and the tickets' activity are written (the messages, windows
    /// and activity in one statement, ``InboundWriteStatement``), and the events are queued in message order.
    func store(_ arrivals: [Arrival], settings: ConversationSettings, outcomes: inout [Outcome], events: inout ConversationEventBuffer,
               on connection: PostgresConnection, logger: Logger) async throws {
        guard !arrivals.isEmpty else { return }
        let messages = MessageStore(tenant: tenant)
        let directory = ContactDirectory(tenant: tenant, keyRing: keyRing)
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let claims = arrivals.flatMap(\.message.sender)
        let (stored, known) = try await InboundLookupStatement.run(
            keys: arrivals.map(\.key), kinds: claims.map(\.kind.rawValue),
            indexes: claims.map { cipher.blindIndex($0.value, purpose: ContactDirectory.purpose($0.kind)) }, on: connection, logger: logger)
        var seen = Set<MessageStore.ProviderKey>()
        var accepted: [(arrival: Arrival, id: UUID)] = []
        for arrival in arrivals {
            guard stored[arrival.key] == nil, seen.insert(arrival.key).inserted else {
                outcomes[arrival.item].duplicates += 1
                continue
            }
            accepted.append((arrival, UUID()))
        }
        guard !accepted.isEmpty else { return }
        let resolutions = try await directory.resolve(accepted.map { arrival, id in
            ContactDirectory.Sender(claims: arrival.message.sender, profileName: arrival.message.isEcho ? nil : arrival.message.profileName,
                                    sourceMessage: id)
        }, locked: true, known: known, on: connection, logger: logger)
        let tickets = TicketStore(tenant: tenant)
        let placed = try await tickets.ticketsForInbound(zip(accepted, resolutions).map { entry, resolution in
            let message = entry.arrival.message
            return TicketStore.InboundTicket(contact: resolution.contactID, channel: message.channel, account: entry.arrival.account.id,
                                             subject: message.text.map { String($0.prefix(120)) } ?? message.type.rawValue)
        }, settings: settings, on: connection, logger: logger)
        let replies = try await replyTargets(accepted, on: connection, logger: logger)
        var news: [MessageStore.New] = []
        var touches: [TicketStore.Touch] = []
        var windows = ChannelWindows()
        for (position, (arrival, id)) in accepted.enumerated() {
            let message = arrival.message
            let (resolution, ticket) = (resolutions[position], placed[position].ticket)
            let direction = message.isEcho ? "outbound" : "inbound"
            var new = MessageStore.New(ticketID: ticket.id, contactID: resolution.contactID, channel: message.channel,
                                       channelAccountID: arrival.account.id, direction: direction, authorKind: message.isEcho ? "agent" : "contact",
                                       type: message.type, text: message.text, content: message.content,
                                       providerMessageID: message.providerMessageID, replyToMessageID: replies[position],
                                       deliveryStatus: message.isEcho ? .sent : nil, sentAt: message.sentAt)
            new.id = id
            news.append(new)
            touches.append(TicketStore.Touch(ticket: ticket.id, direction: direction, channel: message.channel, account: arrival.account.id,
                                             at: message.sentAt))
            if !message.isEcho, let scoped = message.sender.indices.first(where: { !message.sender[$0].kind.linksAcrossChannels }) {
                windows.move(account: arrival.account.id, identity: resolution.identityIDs[scoped], contact: resolution.contactID, at: message.sentAt)
            }
        }
        try await InboundWriteStatement.run(tenant: tenant, messages: news, windows: windows, touches: touches, on: connection, logger: logger)
        var jobs: [NewJob] = []
        for (arrival, id) in accepted where !arrival.message.media.isEmpty {
            for attachment in try await messages.addAttachments(arrival.message.media, message: id, on: connection, logger: logger) {
                let text = attachment.uuidString.lowercased()
                jobs.append(try NewJob(kind: Self.mediaJobKind, encoding: ["attachment_id": text], maxAttempts: 12, uniqueKey: "attachment:\(text)"))
            }
        }
        if !jobs.isEmpty { _ = try await JobQueue.enqueue(jobs, tenant: tenant, on: connection, logger: logger, notify: true) }
        for (position, (arrival, id)) in accepted.enumerated() {
            let message = arrival.message
            let (resolution, placement) = (resolutions[position], placed[position])
            events.events = ConversationEvents(tenant: tenant, actor: Self.actor(arrival.account))
            try events.resolved(resolution, channel: message.channel, message: id)
            if placement.created {
                try events.ticket("ticket.created", placement.ticket, ["channel": message.channel.rawValue])
            } else if placement.reopened {
                try events.ticket("ticket.reopened", placement.ticket, [:])
            }
            try events.ticket(message.isEcho ? "message.sent" : "message.received", placement.ticket,
                              ["message_id": id.uuidString.lowercased(), "channel": message.channel.rawValue, "type": message.type.rawValue,
                               "direction": message.isEcho ? "outbound" : "inbound"])
            outcomes[arrival.item].stored.append(id)
        }
    }

    /// Our ids of the messages the accepted ones reply to (stored before, or earlier in this group), by position.
    func replyTargets(_ accepted: [(arrival: Arrival, id: UUID)], on connection: PostgresConnection, logger: Logger) async throws -> [UUID?] {
        let wanted = accepted.compactMap { entry in
            entry.arrival.message.replyToProviderMessageID.map { MessageStore.ProviderKey(account: entry.arrival.account.id, providerID: $0) }
        }
        guard !wanted.isEmpty else { return accepted.map { _ in nil } }
        var known = try await MessageStore(tenant: tenant).ids(of: wanted, on: connection, logger: logger)
        for (arrival, id) in accepted where known[arrival.key] == nil { known[arrival.key] = id }
        return accepted.map { entry in
            entry.arrival.message.replyToProviderMessageID.flatMap { known[MessageStore.ProviderKey(account: entry.arrival.account.id, providerID: $0)] }
        }
    }
}
