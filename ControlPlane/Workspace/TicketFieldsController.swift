import Foundation
import GlavitoCore
import Hummingbird

/// Custom ticket fields: `/admin/fields` (page and form for admins), `GET /api/v1/ticket-fields` (the workspace
/// shows them), `POST`/`DELETE` for admins (audited). Values are checked on `PATCH /api/v1/tickets/{id}`.
struct TicketFieldsController {
    let api: ConversationAPI

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/admin/fields", .permission(.adminSettings)) { _, _, input in
            try await page(input)
        }
        routes.post("/admin/fields", .permission(.adminSettings)) { _, context, input in
            let form = input.form
            let field = TicketField(
                key: (form["key"] ?? "").trimmingCharacters(in: .whitespaces), label: (form["label"] ?? "").trimmingCharacters(in: .whitespaces),
                type: form["type"] ?? "text", required: form["required"] == "on",
                pattern: form["pattern"].flatMap { $0.isEmpty ? nil : $0 },
                options: (form["options"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })
            return try await api.submitForm(redirect: "/admin/fields", page: { try await page(input, error: $0, status: $1) }) {
                _ = try await save(field, input, context)
            }
        }
        routes.post("/admin/fields/:key/delete", .permission(.adminSettings)) { _, context, input in
            _ = try await remove(context.parameters.get("key") ?? "", input, context)
            return Redirect.to("/admin/fields")
        }
        routes.get("/api/v1/ticket-fields", .permission(.ticketsRead)) { _, _, input in
            try JSONResponse.encode(["fields": try await api.transaction(input) { connection, principal in
                try await TicketFieldStore(tenant: principal.tenant).list(on: connection, logger: api.logger)
            }])
        }
        routes.post("/api/v1/ticket-fields", .permission(.adminSettings)) { _, context, input in
            try JSONResponse.encode(try await save(try ConversationAPI.decode(TicketField.self, input), input, context), status: .created)
        }
        routes.delete("/api/v1/ticket-fields/:key", .permission(.adminSettings)) { _, context, input in
            guard try await remove(context.parameters.get("key") ?? "", input, context) else {
                throw ConversationAPI.notFound("no custom field \(context.parameters.get("key") ?? "")")
            }
            return Response(status: .noContent)
        }
    }

    func save(_ field: TicketField, _ input: RouteInput, _ context: TenantRequestContext) async throws -> TicketField {
        try await api.audited(input, context, "ticket_field.saved", target: "ticket-field:\(field.key)", details: ["type": field.type]) {
            connection, principal in
            try await TicketFieldStore(tenant: principal.tenant).save(field, on: connection, logger: api.logger)
        }
    }

    func remove(_ key: String, _ input: RouteInput, _ context: TenantRequestContext) async throws -> Bool {
        try await api.audited(input, context, "ticket_field.deleted", target: "ticket-field:\(key)") { connection, principal in
            try await TicketFieldStore(tenant: principal.tenant).delete(key, on: connection, logger: api.logger)
        }
    }

    func page(_ input: RouteInput, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        try await api.listPage(input, error: error, status: status, load: { connection, principal in
            try await TicketFieldStore(tenant: principal.tenant).list(on: connection, logger: api.logger)
        }, render: { TicketFieldsPage.render(principal: $0, fields: $1, error: $2) })
    }
}
