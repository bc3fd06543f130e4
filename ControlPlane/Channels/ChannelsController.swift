import Foundation
import GlavitoCore
import Hummingbird

/// `/api/v1/channels`: a tenant's channel accounts (admin.channels). Secrets are write-only: accepted on create
/// and update, never returned (only which ones are set). Every change is audited.
struct ChannelsController {
    let api: ConversationAPI
    /// The public base URL, for the webhook URLs the admin page shows.
    var publicURL = ""

    struct Create: Decodable {
        let kind: ChannelKind
        let name: String
        let externalID: String?
        let settings: [String: String]?
        let secrets: ChannelSecrets?
        enum CodingKeys: String, CodingKey { case kind, name, settings, secrets, externalID = "external_id" }
    }

    struct Update: Decodable {
        let name: String?
        let settings: [String: String]?
        let enabled: Bool?
        let secrets: ChannelSecrets?
    }

    struct Template: Encodable {
        let name: String
        let language: String
        let status: String
        let category: String
        let body: String
        let parameters: Int
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/channels", .permission(.adminChannels)) { _, _, input in
            let list = try await api.transaction(input) { connection, principal in
                try await store(principal).list(on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(["channels": list])
        }
        routes.post("/api/v1/channels", .permission(.adminChannels)) { _, context, input in
            let body = try ConversationAPI.decode(Create.self, input)
            let created = try await api.audited(input, context, "channel.created", target: "channel:\(body.kind.rawValue)",
                                                details: ["name": body.name]) { connection, principal in
                try await store(principal).create(kind: body.kind, name: body.name, externalID: body.externalID, settings: body.settings ?? [:],
                                                  secrets: body.secrets ?? ChannelSecrets(), on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(created, status: .created)
        }
        routes.get("/admin/channels", .permission(.adminChannels)) { _, _, input in
            try await page(input)
        }
        routes.post("/admin/channels", .permission(.adminChannels)) { _, context, input in
            let form = input.form
            func value(_ key: String) -> String? { form[key].flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 } }
            guard let kind = form["kind"].flatMap(ChannelKind.init(rawValue:)), kind != .email else {
                return try await page(input, error: "Choose WhatsApp, Instagram or web chat.", status: .badRequest)
            }
            let secrets = ChannelSecrets(accessToken: value("access_token"), appSecret: value("app_secret"), verifyToken: value("verify_token"))
            do {
                let created = try await api.audited(input, context, "channel.created", target: "channel:\(kind.rawValue)",
                                                    details: ["name": form["name"] ?? ""]) { connection, principal in
                    try await store(principal).create(kind: kind, name: form["name"] ?? "", externalID: value("external_id"),
                                                      settings: value("waba_id").map { ["waba_id": $0] } ?? [:], secrets: secrets,
                                                      on: connection, logger: api.logger)
                }
                return try await page(input, flash: "Connected \(created.name).")
            } catch let problem as Problem where problem.status == .badRequest || problem.status == .conflict {
                return try await page(input, error: problem.detail ?? problem.title, status: problem.status)
            }
        }
        routes.get("/api/v1/channels/:id", .permission(.adminChannels)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            return try JSONResponse.encode(try await api.transaction(input) { connection, principal in
                try await store(principal).get(id, on: connection, logger: api.logger)
            })
        }
        routes.on("/api/v1/channels/:id", .patch, .permission(.adminChannels)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let body = try ConversationAPI.decode(Update.self, input)
            let updated = try await api.audited(input, context, "channel.updated", target: "channel:\(id.uuidString.lowercased())",
                                                details: ["secrets_changed": (body.secrets?.names ?? []).joined(separator: ",")]) { connection, principal in
                try await store(principal).update(id, name: body.name, settings: body.settings, enabled: body.enabled, secrets: body.secrets,
                                                  on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(updated)
        }
        routes.get("/api/v1/channels/:id/templates", .permission(.ticketsReply)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let templates = try await api.transaction(input) { connection, _ in
                let rows = try await connection.checkedQuery("""
                    SELECT name, language, status, category, components::text FROM message_templates
                    WHERE channel_account_id = \(id) ORDER BY name, language
                    """, logger: api.logger)
                var out: [Template] = []
                for try await (name, language, status, category, components) in rows.decode((String, String, String, String, String).self) {
                    let body = OutboundComposer.templateBody(components)
                    out.append(Template(name: name, language: language, status: status, category: category, body: body,
                                        parameters: OutboundComposer.placeholderCount(body)))
                }
                return out
            }
            return try JSONResponse.encode(["templates": templates])
        }
        routes.post("/api/v1/channels/:id/templates/sync", .permission(.adminChannels)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            try await api.transaction(input) { connection, principal in
                let account = try await store(principal).get(id, on: connection, logger: api.logger)
                guard account.kind == .whatsapp else { throw ConversationError.invalid("only WhatsApp channels have templates") }
                let job = try NewJob(kind: TemplateSync.jobKind, encoding: ["channel_account_id": id.uuidString.lowercased()],
                                     uniqueKey: "templates:\(id.uuidString.lowercased())")
                _ = try await JobQueue.enqueue([job], tenant: principal.tenant, on: connection, logger: api.logger, notify: true)
            }
            return try JSONResponse.encode(["outcome": "queued"], status: .accepted)
        }
    }

    func page(_ input: RouteInput, flash: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let channels = try await api.transaction(input) { connection, principal in
            try await store(principal).list(on: connection, logger: api.logger)
        }
        return AppChrome.page(ChannelsPage.render(principal: try input.requirePrincipal(), channels: channels, publicURL: publicURL, flash: flash,
                                                  error: error), status: status)
    }

    func store(_ principal: Principal) -> ChannelAccountStore {
        ChannelAccountStore(tenant: principal.tenant, keyRing: api.keyRing)
    }
}
