import Foundation
import GlavitoCore
import Hummingbird

/// Custom fields of tickets and contacts: `/admin/fields` (page and form for admins, the entity chosen in the
/// form), `GET /api/v1/ticket-fields` and `GET /api/v1/contact-fields` (the workspace shows them), `POST`/`DELETE`
/// for admins (audited). Values are checked on `PATCH /api/v1/tickets/{id}` and `PATCH /api/v1/contacts/{id}`.
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
                options: (form["options"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
                entity: form["entity"] ?? "ticket")
            return try await api.submitForm(redirect: "/admin/fields", page: { try await page(input, error: $0, status: $1) }) {
                _ = try await save(field, entity: field.entity, input, context)
            }
        }
        routes.post("/admin/fields/:key/delete", .permission(.adminSettings)) { _, context, input in
            _ = try await remove(context.parameters.get("key") ?? "", entity: input.form["entity"] ?? "ticket", input, context)
            return Redirect.to("/admin/fields")
        }
        for (entity, path) in [("ticket", "/api/v1/ticket-fields"), ("contact", "/api/v1/contact-fields")] {
            routes.get(path, .permission(entity == "ticket" ? .ticketsRead : .contactsRead)) { _, _, input in
                try JSONResponse.encode(["fields": try await api.transaction(input) { connection, principal in
                    try await TicketFieldStore(tenant: principal.tenant, entity: entity).list(on: connection, logger: api.logger)
                }])
            }
            routes.post(path, .permission(.adminSettings)) { _, context, input in
                try JSONResponse.encode(try await save(try ConversationAPI.decode(TicketField.self, input), entity: entity, input, context),
                                        status: .created)
            }
            routes.delete("\(path)/:key", .permission(.adminSettings)) { _, context, input in
                guard try await remove(context.parameters.get("key") ?? "", entity: entity, input, context) else {
                    throw ConversationAPI.notFound("no custom field \(context.parameters.get("key") ?? "")")
                }
                return Response(status: .noContent)
            }
        }
    }

    func save(_ field: TicketField, entity: String, _ input: RouteInput, _ context: TenantRequestContext) async throws -> TicketField {
        guard TicketField.entities.contains(entity) else { throw JobsController.badRequest("the entity must be ticket or contact") }
        return try await api.audited(input, context, "\(entity)_field.saved", target: "\(entity)-field:\(field.key)", details: ["type": field.type]) {
            connection, principal in
            try await TicketFieldStore(tenant: principal.tenant, entity: entity).save(field, on: connection, logger: api.logger)
        }
    }

    func remove(_ key: String, entity: String, _ input: RouteInput, _ context: TenantRequestContext) async throws -> Bool {
        guard TicketField.entities.contains(entity) else { throw JobsController.badRequest("the entity must be ticket or contact") }
        return try await api.audited(input, context, "\(entity)_field.deleted", target: "\(entity)-field:\(key)") { connection, principal in
            try await TicketFieldStore(tenant: principal.tenant, entity: entity).delete(key, on: connection, logger: api.logger)
        }
    }

    func page(_ input: RouteInput, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        try await api.listPage(input, error: error, status: status, load: { connection, principal in
            try await TicketFieldStore(tenant: principal.tenant, entity: "ticket").list(on: connection, logger: api.logger)
                + TicketFieldStore(tenant: principal.tenant, entity: "contact").list(on: connection, logger: api.logger)
        }, render: { TicketFieldsPage.render(principal: $0, fields: $1, error: $2) })
    }
}
