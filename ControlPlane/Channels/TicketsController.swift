import Foundation
import GlavitoCore
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO

/// `/api/v1/tickets`: list with filters and keyset pages, read, change, and the timeline with replies and notes
/// (docs/conversations.md). Every read honours the caller's data scope.
struct TicketsController {
    let api: ConversationAPI
    /// Where files attached to replies are stored.
    let storage: any AttachmentStorage
    /// Signs the thumbnail URLs of rendered attachments (none without a master key).
    let signer: AttachmentURLSigner?

    struct Page: Encodable {
        let tickets: [Ticket]
        let next: String?
        /// The display names of the page's contacts, by contact id.
        let contacts: [String: String]
    }

    struct Detail: Encodable {
        let ticket: Ticket
        let contact: Contact
        let windows: [ChannelWindow]
        /// The channels a reply can go out on (the composer's choice; the default is the ticket's last channel).
        let replyChannels: [ReplyChannel]

        enum CodingKeys: String, CodingKey {
            case ticket, contact, windows
            case replyChannels = "reply_channels"
        }
    }

    struct Messages: Encodable {
        let messages: [RenderedMessage]
        let next: UUID?
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/tickets", .permission(.ticketsRead)) { request, _, input in
            let requested = try Self.filter(request, principal: try input.requirePrincipal())
            let fieldValues = try Self.fieldFilters(request)
            let (page, names) = try await api.transaction(input) { connection, principal in
                var filter = requested
                if !fieldValues.isEmpty {
                    filter.customFields = try await Self.customFields(fieldValues, tenant: principal.tenant, on: connection, logger: api.logger)
                }
                let page = try await TicketStore(tenant: principal.tenant).list(filter, scope: principal.dataScope, user: principal.userID?.rawValue,
                                                                                teams: principal.teams, on: connection, logger: api.logger)
                let names = try await ContactDirectory(tenant: principal.tenant, keyRing: api.keyRing)
                    .displayNames(Array(Set(page.tickets.map(\.contactID))), on: connection, logger: api.logger)
                return (page, names)
            }
            let contacts = Dictionary(uniqueKeysWithValues: names.map { ($0.key.uuidString.lowercased(), $0.value) })
            return try JSONResponse.encode(Page(tickets: page.tickets, next: page.next?.text, contacts: contacts))
        }
        routes.get("/api/v1/tickets/:id", .permission(.ticketsRead)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let detail = try await api.transaction(input) { connection, principal in
                let ticket = try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger)
                try ConversationAPI.checkScope(ticket, principal)
                let contact = try await ContactDirectory(tenant: principal.tenant, keyRing: api.keyRing).contact(ticket.contactID, on: connection,
                                                                                                                   logger: api.logger)
                let windows = try await OutboundComposer(tenant: principal.tenant, keyRing: api.keyRing).windows(contact: ticket.contactID,
                                                                                                               on: connection, logger: api.logger)
                let replyChannels = try await ReplyChannel.list(contact: ticket.contactID, on: connection, logger: api.logger)
                return Detail(ticket: ticket, contact: contact, windows: windows, replyChannels: replyChannels)
            }
            return try JSONResponse.encode(detail)
        }
        routes.on("/api/v1/tickets/:id", .patch, .permission(.ticketsReply)) { request, context, input in
            let id = try ConversationAPI.uuid(context)
            let changes = try ConversationAPI.decode(TicketChanges.self, input)
            let principal = try input.requirePrincipal()
            if changes.changesAssignment && !principal.can(.ticketsAssign) {
                throw Problem(status: .forbidden, type: "forbidden", title: "Forbidden", detail: "assigning needs the tickets.assign permission")
            }
            let ticket = try await api.transaction(input) { connection, principal in
                let store = TicketStore(tenant: principal.tenant)
                try ConversationAPI.checkScope(try await store.get(id, on: connection, logger: api.logger), principal)
                if let fields = changes.customFields {
                    try await TicketFieldStore(tenant: principal.tenant).check(fields, on: connection, logger: api.logger)
                }
                return try await store.update(id, changes, actor: ConversationAPI.actor(principal), requestID: request.headers[HTTPField.Name("X-Request-Id")!],
                                              on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(ticket)
        }
        routes.get("/api/v1/tickets/:id/messages", .permission(.ticketsRead)) { request, context, input in
            let id = try ConversationAPI.uuid(context)
            let (after, limit) = try ConversationAPI.messagePage(request)
            let messages = try await api.transaction(input) { connection, principal in
                try ConversationAPI.checkScope(try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger), principal)
                return try await MessageStore(tenant: principal.tenant).list(ticket: id, after: after, limit: limit, on: connection, logger: api.logger)
            }
            let tenant = try input.requirePrincipal().tenant
            return try JSONResponse.encode(Messages(messages: messages.map { RenderedMessage(message: $0, signer: signer, tenant: tenant) },
                                                    next: messages.count == limit ? messages.last?.id : nil))
        }
        routes.post("/api/v1/tickets/:id/messages", .permission(.ticketsReply), maximumBody: OutboundAttachment.maximumRequestBytes) { request, context, input in
            let id = try ConversationAPI.uuid(context)
            var body = try ConversationAPI.decode(OutboundRequest.self, input)
            if let files = body.attachments, !files.isEmpty {
                body.attachments = try await OutboundAttachment.store(files, tenant: try input.requirePrincipal().tenant, storage: storage)
            }
            let outbound = body
            let message = try await api.transaction(input) { connection, principal in
                let ticket = try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger)
                try ConversationAPI.checkScope(ticket, principal)
                let requestID = request.headers[HTTPField.Name("X-Request-Id")!]
                let message = try await OutboundComposer(tenant: principal.tenant, keyRing: api.keyRing)
                    .send(outbound, ticket: id, author: principal.userID?.rawValue, requestID: requestID, on: connection, logger: api.logger)
                if outbound.type == "note", let text = outbound.text {
                    try await Self.notifyMentions(text, message: message, ticket: ticket, principal: principal, requestID: requestID,
                                                  on: connection, logger: api.logger)
                }
                return message
            }
            return try JSONResponse.encode(message, status: body.type == "note" ? .created : .accepted)
        }
    }

    /// Appends `note.mentioned` (with the mentioned users' ids) when a note `@mentions` agents of the tenant, in
    /// the note's transaction; the workspace of each mentioned agent who can read the ticket shows it.
    static func notifyMentions(_ text: String, message: Message, ticket: Ticket, principal: Principal, requestID: String?,
                               on connection: PostgresConnection, logger: Logger) async throws {
        guard !NoteMentions.handles(in: text).isEmpty else { return }
        let users = try await UserRepository(tenant: principal.tenant).list(on: connection, logger: logger)
        let mentioned = NoteMentions.mentioned(in: text, users: users).filter { $0.id != principal.userID }
        guard !mentioned.isEmpty else { return }
        try await ConversationEvents(tenant: principal.tenant, actor: ConversationAPI.actor(principal), requestID: requestID)
            .ticket("note.mentioned", ticket, ["message_id": message.id.uuidString.lowercased(), "author_name": principal.displayName,
                                               "mentioned_user_ids": mentioned.map(\.id.description).joined(separator: ",")],
                    on: connection, logger: logger)
    }

    /// The `field.<key>=<value>` parameters: custom field values a ticket must have.
    static func fieldFilters(_ request: Request) throws -> [String: String] {
        var values: [String: String] = [:]
        for (name, value) in request.uri.queryParameters where name.hasPrefix("field.") {
            let key = String(name.dropFirst("field.".count))
            guard !key.isEmpty, values[key] == nil else { throw JobsController.badRequest("\(name) is given twice or names no field") }
            guard value.count <= 200 else { throw JobsController.badRequest("\(name) must be at most 200 characters") }
            values[key] = String(value)
        }
        guard values.count <= 10 else { throw JobsController.badRequest("at most 10 field filters") }
        return values
    }

    /// `values` typed by the tenant's ticket field definitions; a 400 problem for an unknown field or a value the
    /// field cannot hold.
    static func customFields(_ values: [String: String], tenant: TenantID, on connection: PostgresConnection,
                             logger: Logger) async throws -> [String: JSONValue] {
        let fields = Dictionary(uniqueKeysWithValues: try await TicketFieldStore(tenant: tenant).list(on: connection, logger: logger).map { ($0.key, $0) })
        var typed: [String: JSONValue] = [:]
        for (key, text) in values {
            guard let field = fields[key] else { throw ConversationError.invalid("there is no custom field \(key)") }
            guard let value = field.value(from: text) else {
                throw ConversationError.invalid("field.\(key) must be \(field.type == "number" ? "a number" : "true or false")")
            }
            typed[key] = value
        }
        return typed
    }

    static func filter(_ request: Request, principal: Principal) throws -> TicketFilter {
        let query = request.uri.queryParameters
        var filter = TicketFilter()
        if let status = query.get("status") {
            guard Ticket.statuses.contains(status) else { throw JobsController.badRequest("status must be one of \(Ticket.statuses.joined(separator: ", "))") }
            filter.status = status
        }
        switch query.get("assignee") {
        case nil: break
        case "none": filter.unassigned = true
        case "me":
            guard let user = principal.userID else { throw JobsController.badRequest("assignee=me needs a signed-in user") }
            filter.assignee = user.rawValue
        case let text?:
            guard let id = UUID(uuidString: text) else { throw JobsController.badRequest("assignee must be a user id, me or none") }
            filter.assignee = id
        }
        filter.teams = query.getAll("team").filter { !$0.isEmpty }
        guard filter.teams.count <= 50 else { throw JobsController.badRequest("team: at most 50 values") }
        if let priority = query.get("priority") {
            guard Ticket.priorities.contains(priority) else { throw JobsController.badRequest("priority must be one of \(Ticket.priorities.joined(separator: ", "))") }
            filter.priority = priority
        }
        if let channel = query.get("channel") {
            guard let kind = ChannelKind(rawValue: channel) else { throw JobsController.badRequest("channel must be whatsapp, instagram, webchat or email") }
            filter.channel = kind
        }
        filter.tag = query.get("tag")?.lowercased()
        if let text = query.get("q")?.trimmingCharacters(in: .whitespaces), !text.isEmpty {
            guard text.count <= 200 else { throw JobsController.badRequest("q must be at most 200 characters") }
            filter.text = text
        }
        if let contact = query.get("contact") {
            guard let id = UUID(uuidString: contact) else { throw JobsController.badRequest("contact must be a contact id") }
            filter.contact = id
        }
        if let since = query.get("updated_since") {
            guard let date = try? Date(since, strategy: .iso8601) else { throw JobsController.badRequest("updated_since must be an RFC 3339 time") }
            filter.updatedSince = date
        }
        if let after = query.get("after") {
            guard let cursor = TicketCursor(text: after) else { throw JobsController.badRequest("after must be the next value of a previous page") }
            filter.after = cursor
        }
        let limit = Int(try JobsController.integer(query.get("limit"), name: "limit") ?? 50)
        guard (1...200).contains(limit) else { throw JobsController.badRequest("limit must be between 1 and 200") }
        filter.limit = limit
        return filter
    }
}
