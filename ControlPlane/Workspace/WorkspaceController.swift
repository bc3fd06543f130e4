import Foundation
import GlavitoCore
import HTTPTypes
import Hummingbird

/// The agent workspace (docs/workspace.md): the page at `/app` (and `/app/tickets/{id}`, the same page showing a
/// ticket), its web app manifest, and the small APIs only it needs: view counts, the agents to assign to, a
/// ticket's system events for its timeline, and the preview of a reply as the customer's channel will show it.
struct WorkspaceController {
    let api: ConversationAPI
    let database: Database

    struct Agent: Encodable {
        let id: String
        let name: String
        let teams: [String]
    }

    struct PreviewRequest: Decodable {
        let text: String
        let channel: ChannelKind?
    }

    struct Preview: Encodable {
        let channel: ChannelKind
        /// What is sent (WhatsApp markers, plain text, or HTML).
        let text: String
        /// How it looks there, as safe HTML.
        let html: String
    }

    func addRoutes(to routes: SecuredRoutes) {
        for path in ["/app", "/app/tickets/:id"] {
            routes.get(path, .signedIn) { _, context, input in
                let principal = try input.requirePrincipal()
                guard principal.can(.ticketsRead) else { return Redirect.to("/account") }
                let tenant = try await TenantRepository(database: database, tenant: context.tenant.id).load()
                return AppChrome.page(WorkspacePage.render(principal: principal, branding: tenant?.branding))
            }
        }
        routes.get("/app/manifest.webmanifest", .public) { _, context, _ in
            let tenant = try await TenantRepository(database: database, tenant: context.tenant.id).load()
            return Response(status: .ok, headers: [.contentType: "application/manifest+json", .cacheControl: "public, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(string: WorkspacePage.manifest(tenant?.branding))))
        }
        routes.get("/api/v1/workspace/counts", .permission(.ticketsRead)) { _, _, input in
            try JSONResponse.encode(try await api.transaction(input) { connection, principal in
                try await TicketStore(tenant: principal.tenant).viewCounts(scope: principal.dataScope, user: principal.userID?.rawValue,
                                                                          teams: principal.teams, on: connection, logger: api.logger)
            })
        }
        routes.get("/api/v1/workspace/agents", .permission(.ticketsRead)) { _, _, input in
            let agents = try await api.transaction(input) { connection, principal in
                try await UserRepository(tenant: principal.tenant).list(on: connection, logger: api.logger)
                    .filter { $0.status == .active }
                    .map { Agent(id: $0.id.description, name: $0.displayName.isEmpty ? $0.email : $0.displayName, teams: $0.teams) }
            }
            return try JSONResponse.encode(["agents": agents])
        }
        routes.get("/api/v1/tickets/:id/activity", .permission(.ticketsRead)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let principal = try input.requirePrincipal()
            try await api.transaction(input) { connection, principal in
                try ConversationAPI.checkScope(try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger), principal)
            }
            let events = try await EventStore.readStream("ticket/\(id.uuidString.lowercased())", tenant: principal.tenant, database: database)
                .filter { Self.activityTypes.contains($0.type) }
            return Response(status: .ok, headers: [.contentType: "application/json"],
                            body: .init(byteBuffer: ByteBuffer(string: #"{"events":["# + events.map(\.json).joined(separator: ",") + "]}")))
        }
        routes.post("/api/v1/tickets/:id/preview", .permission(.ticketsReply)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let body = try ConversationAPI.decode(PreviewRequest.self, input)
            guard body.text.count <= OutboundComposer.maximumText else {
                throw JobsController.badRequest("text must be at most \(OutboundComposer.maximumText) characters")
            }
            let ticket = try await api.transaction(input) { connection, principal in
                let ticket = try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger)
                try ConversationAPI.checkScope(ticket, principal)
                return ticket
            }
            return try JSONResponse.encode(Self.preview(body.text, channel: body.channel ?? ticket.lastChannel))
        }
    }

    /// The events of a ticket's stream that its timeline shows as system lines.
    static let activityTypes: Set<String> = ["ticket.created", "ticket.reopened", "ticket.status_changed", "ticket.assigned"]

    /// `markup` as `channel` receives it and as it looks there.
    static func preview(_ markup: String, channel: ChannelKind) -> Preview {
        switch channel {
        case .whatsapp:
            let text = ChannelFormatter.render(markup, for: .whatsapp)
            return Preview(channel: channel, text: text, html: ChannelFormatter.inboundHTML(text, channel: .whatsapp))
        case .instagram:
            let text = ChannelFormatter.render(markup, for: .plain)
            return Preview(channel: channel, text: text, html: ChannelFormatter.inboundHTML(text, channel: .instagram))
        case .webchat, .email:
            let html = ChannelFormatter.render(markup, for: .html)
            return Preview(channel: channel, text: html, html: html)
        }
    }
}
