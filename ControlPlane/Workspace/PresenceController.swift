import Foundation
import GlavitoCore
import HTTPTypes
import Hummingbird

/// Collision detection (docs/workspace.md, "Presence"): agents viewing a ticket send a heartbeat every ~10 s
/// (`POST /api/v1/tickets/{id}/presence`, with `"typing": true` while they type) and leave with `DELETE`. Rows live
/// in PostgreSQL, so every control-plane process sees them; arrivals and typing append short events
/// (`agent.viewing`, `agent.typing`) to the ticket's stream in the same transaction, which the live WebSocket
/// delivers to the other viewers on any process at once; departures append `agent.left`.
struct PresenceController {
    let api: ConversationAPI

    static let path = "/api/v1/tickets/:id/presence"

    struct Heartbeat: Decodable {
        let typing: Bool?
    }

    struct Viewers: Encodable {
        let viewers: [TicketViewer]
        /// Seconds after which a viewer without a heartbeat is gone.
        let expiresAfter: Int
        enum CodingKeys: String, CodingKey { case viewers, expiresAfter = "expires_after" }
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.get(Self.path, .permission(.ticketsRead)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            return try JSONResponse.encode(try await api.transaction(input) { connection, principal in
                try ConversationAPI.checkScope(try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger), principal)
                return Viewers(viewers: try await TicketPresence(tenant: principal.tenant).viewers(ticket: id, on: connection, logger: api.logger),
                               expiresAfter: TicketPresence.expirySeconds)
            })
        }
        routes.post(Self.path, .permission(.ticketsRead)) { request, context, input in
            let id = try ConversationAPI.uuid(context)
            let body = input.body.readableBytes == 0 ? Heartbeat(typing: nil) : try ConversationAPI.decode(Heartbeat.self, input)
            return try JSONResponse.encode(try await api.transaction(input) { connection, principal in
                let user = try Self.user(principal)
                let ticket = try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger)
                try ConversationAPI.checkScope(ticket, principal)
                let presence = TicketPresence(tenant: principal.tenant)
                let typing = (body.typing ?? false) && principal.can(.ticketsReply)
                let beat = try await presence.beat(ticket: id, user: user, name: principal.displayName, typing: typing, on: connection,
                                                   logger: api.logger)
                let events = ConversationEvents(tenant: principal.tenant, actor: ConversationAPI.actor(principal),
                                                requestID: request.headers[HTTPField.Name("X-Request-Id")!])
                let who = ["user_id": user.uuidString.lowercased(), "user_name": principal.displayName]
                if beat.joined { try await events.ticket("agent.viewing", ticket, who, on: connection, logger: api.logger) }
                if beat.typingSignal { try await events.ticket("agent.typing", ticket, who, on: connection, logger: api.logger) }
                return Viewers(viewers: try await presence.viewers(ticket: id, on: connection, logger: api.logger),
                               expiresAfter: TicketPresence.expirySeconds)
            })
        }
        routes.delete(Self.path, .permission(.ticketsRead)) { request, context, input in
            let id = try ConversationAPI.uuid(context)
            try await api.transaction(input) { connection, principal in
                let user = try Self.user(principal)
                let ticket = try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger)
                try ConversationAPI.checkScope(ticket, principal)
                if try await TicketPresence(tenant: principal.tenant).leave(ticket: id, user: user, on: connection, logger: api.logger) {
                    try await ConversationEvents(tenant: principal.tenant, actor: ConversationAPI.actor(principal),
                                                 requestID: request.headers[HTTPField.Name("X-Request-Id")!])
                        .ticket("agent.left", ticket, ["user_id": user.uuidString.lowercased(), "user_name": principal.displayName],
                                on: connection, logger: api.logger)
                }
            }
            return Response(status: .noContent)
        }
    }

    /// Presence belongs to people: an API key has none.
    static func user(_ principal: Principal) throws -> UUID {
        guard let user = principal.userID?.rawValue else {
            throw Problem(status: .forbidden, type: "forbidden", title: "Not allowed", detail: "presence is for signed-in users, not API keys")
        }
        return user
    }
}
