import Foundation
import GlavitoCore
import Hummingbird

/// Split and merge, each undoable: `POST /api/v1/messages/{id}/split` (the message becomes a new ticket),
/// `POST /api/v1/tickets/{id}/merge` with `{"into": "<ticket id>"}`, `POST /api/v1/ticket-moves/{id}/undo`. Each is
/// audited and needs tickets.assign and both tickets within the caller's data scope.
struct TicketMovesController {
    let api: ConversationAPI

    struct MergeRequest: Decodable {
        let into: UUID
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.post("/api/v1/messages/:id/split", .permission(.ticketsAssign)) { _, context, input in
            let message = try ConversationAPI.uuid(context)
            let move = try await api.audited(input, context, "ticket.split", target: "message:\(message.uuidString.lowercased())") { connection, principal in
                let found = try await MessageStore(tenant: principal.tenant).get(message, on: connection, logger: api.logger)
                try ConversationAPI.checkScope(try await TicketStore(tenant: principal.tenant).get(found.ticketID, on: connection, logger: api.logger),
                                               principal)
                return try await TicketMoves(tenant: principal.tenant).split(message: message, actor: ConversationAPI.actor(principal),
                                                                             on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(move, status: .created)
        }
        routes.post("/api/v1/tickets/:id/merge", .permission(.ticketsAssign)) { _, context, input in
            let source = try ConversationAPI.uuid(context)
            let body = try ConversationAPI.decode(MergeRequest.self, input)
            let move = try await api.audited(input, context, "ticket.merged", target: "ticket:\(source.uuidString.lowercased())",
                                             details: ["into": body.into.uuidString.lowercased()]) { connection, principal in
                let tickets = TicketStore(tenant: principal.tenant)
                for id in [source, body.into] { try ConversationAPI.checkScope(try await tickets.get(id, on: connection, logger: api.logger), principal) }
                return try await TicketMoves(tenant: principal.tenant).merge(source, into: body.into, actor: ConversationAPI.actor(principal),
                                                                             on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(move, status: .created)
        }
        routes.post("/api/v1/ticket-moves/:id/undo", .permission(.ticketsAssign)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let move = try await api.audited(input, context, "ticket.move_undone", target: "ticket-move:\(id.uuidString.lowercased())") {
                connection, principal in
                try await TicketMoves(tenant: principal.tenant).undo(id, actor: ConversationAPI.actor(principal), on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(move)
        }
    }
}
