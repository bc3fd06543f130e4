import Foundation
import GlavitoCore
import HummingbirdWebSocket
import Logging

/// The half of a visitor's connection that watches the tenant's events (appended by any control-plane process) and
/// sends what concerns the visitor: `message.sent` / `message.queued` of a web chat reply addressed to their
/// identity (read back from the database, so a note or another visitor's reply can never pass), and `agent.typing`
/// on one of their contact's tickets. Nothing else in the event is trusted or forwarded.
struct WebChatFollower: Sendable {
    let tenant: TenantID
    let database: Database
    let conversation: WebChatConversation
    let state: WebChatVisitorState
    let links: WebChatLinks
    let logger: Logger

    static let replyTypes: Set<String> = ["message.sent", "message.queued"]

    /// Runs until the subscription ends (the hub stops, or the client is too slow) or the task is cancelled.
    func run(_ subscription: LiveSubscription, outbound: WebSocketOutboundWriter) async throws {
        for await batch in subscription.batches {
            for event in batch { try await follow(event, outbound: outbound) }
            subscription.received(batch.count)
        }
    }

    private func follow(_ event: LiveEvent, outbound: WebSocketOutboundWriter) async throws {
        guard event.isTicketEvent, Self.replyTypes.contains(event.record.type) || event.record.type == "agent.typing",
              let identity = state.identity else { return }
        let data = (try? JSONSerialization.jsonObject(with: Data(event.record.data.utf8))) as? [String: Any] ?? [:]
        if event.record.type == "agent.typing" {
            guard let ticket = (data["ticket_id"] as? String).flatMap(UUID.init(uuidString:)) else { return }
            let owned = try await database.withTenantTransaction(tenant) { connection in
                try await conversation.owns(ticket: ticket, identity: identity, on: connection, logger: logger)
            }
            if owned { try await outbound.write(.text(WebChatFrames.typing)) }
            return
        }
        guard data["channel"] as? String == ChannelKind.webchat.rawValue,
              let id = (data["message_id"] as? String).flatMap(UUID.init(uuidString:)) else { return }
        let reply = try await database.withTenantTransaction(tenant) { connection in
            try await conversation.reply(id, identity: identity, on: connection, logger: logger)
        }
        guard let reply, state.markDelivered(reply.id) else { return }
        try await outbound.write(.text(WebChatFrames.message(reply, visitorID: conversation.visitorID, links: links)))
    }
}
