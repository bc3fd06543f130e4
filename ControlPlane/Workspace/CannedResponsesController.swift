import Foundation
import GlavitoCore
import Hummingbird

/// `/api/v1/canned-responses`: agents list them (the composer inserts them); admins add and remove them (audited),
/// also on the page `/admin/canned-responses`.
struct CannedResponsesController {
    let api: ConversationAPI

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/admin/canned-responses", .permission(.adminSettings)) { _, _, input in
            try await page(input)
        }
        routes.post("/admin/canned-responses", .permission(.adminSettings)) { _, context, input in
            let response = CannedResponse(shortcut: (input.form["shortcut"] ?? "").trimmingCharacters(in: .whitespaces),
                                          title: input.form["title"] ?? "", body: input.form["body"] ?? "")
            return try await api.submitForm(redirect: "/admin/canned-responses", page: { try await page(input, error: $0, status: $1) }) {
                _ = try await create(response, input, context)
            }
        }
        routes.post("/admin/canned-responses/:id/delete", .permission(.adminSettings)) { _, context, input in
            _ = try await delete(try ConversationAPI.uuid(context), input, context)
            return Redirect.to("/admin/canned-responses")
        }
        routes.get("/api/v1/canned-responses", .permission(.ticketsReply)) { _, _, input in
            try JSONResponse.encode(["canned_responses": try await api.transaction(input) { connection, principal in
                try await CannedResponseStore(tenant: principal.tenant).list(on: connection, logger: api.logger)
            }])
        }
        routes.post("/api/v1/canned-responses", .permission(.adminSettings)) { _, context, input in
            let created = try await create(try ConversationAPI.decode(CannedResponse.self, input), input, context)
            return try JSONResponse.encode(created, status: .created)
        }
        routes.delete("/api/v1/canned-responses/:id", .permission(.adminSettings)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            guard try await delete(id, input, context) else { throw ConversationAPI.notFound("no canned response \(id.uuidString.lowercased())") }
            return Response(status: .noContent)
        }
    }

    func create(_ response: CannedResponse, _ input: RouteInput, _ context: TenantRequestContext) async throws -> CannedResponse {
        try await api.audited(input, context, "canned_response.created", target: "canned-response:\(response.shortcut)") { connection, principal in
            try await CannedResponseStore(tenant: principal.tenant).create(response, on: connection, logger: api.logger)
        }
    }

    func delete(_ id: UUID, _ input: RouteInput, _ context: TenantRequestContext) async throws -> Bool {
        try await api.audited(input, context, "canned_response.deleted", target: "canned-response:\(id.uuidString.lowercased())") {
            connection, principal in
            try await CannedResponseStore(tenant: principal.tenant).delete(id, on: connection, logger: api.logger)
        }
    }

    func page(_ input: RouteInput, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        try await api.listPage(input, error: error, status: status, load: { connection, principal in
            try await CannedResponseStore(tenant: principal.tenant).list(on: connection, logger: api.logger)
        }, render: { CannedResponsesPage.render(principal: $0, responses: $1, error: $2) })
    }
}
