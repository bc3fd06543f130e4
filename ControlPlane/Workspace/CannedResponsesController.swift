import Foundation
import GlavitoCore
import Hummingbird

/// `/api/v1/canned-responses`: agents list them (the composer inserts them); admins add and remove them (audited).
struct CannedResponsesController {
    let api: ConversationAPI

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/canned-responses", .permission(.ticketsReply)) { _, _, input in
            try JSONResponse.encode(["canned_responses": try await api.transaction(input) { connection, principal in
                try await CannedResponseStore(tenant: principal.tenant).list(on: connection, logger: api.logger)
            }])
        }
        routes.post("/api/v1/canned-responses", .permission(.adminSettings)) { _, context, input in
            let response = try ConversationAPI.decode(CannedResponse.self, input)
            let created = try await api.audited(input, context, "canned_response.created", target: "canned-response:\(response.shortcut)") {
                connection, principal in
                try await CannedResponseStore(tenant: principal.tenant).create(response, on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(created, status: .created)
        }
        routes.delete("/api/v1/canned-responses/:id", .permission(.adminSettings)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let deleted = try await api.audited(input, context, "canned_response.deleted", target: "canned-response:\(id.uuidString.lowercased())") {
                connection, principal in
                try await CannedResponseStore(tenant: principal.tenant).delete(id, on: connection, logger: api.logger)
            }
            guard deleted else { throw ConversationAPI.notFound("no canned response \(id.uuidString.lowercased())") }
            return Response(status: .noContent)
        }
    }
}
