import Foundation
import GlavitoCore
import Hummingbird

/// `/api/v1/contacts`: a contact with its identities (and why each was linked), its timeline across channels,
/// custom attributes (checked against the contact fields), identities added by hand, and merges that can be undone (audited, and in the event log).
struct ContactsController {
    let api: ConversationAPI

    struct Update: Decodable {
        let displayName: String?
        let attributes: [String: JSONValue]?
        enum CodingKeys: String, CodingKey { case attributes, displayName = "display_name" }
    }

    struct MergeRequest: Decodable {
        let sourceContactID: UUID
        enum CodingKeys: String, CodingKey { case sourceContactID = "source_contact_id" }
    }

    struct Timeline: Encodable {
        let messages: [Message]
        let next: UUID?
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/contacts/:id", .permission(.contactsRead)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            return try JSONResponse.encode(try await api.transaction(input) { connection, principal in
                try await directory(principal).contact(id, on: connection, logger: api.logger)
            })
        }
        routes.on("/api/v1/contacts/:id", .patch, .permission(.ticketsReply)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let body = try ConversationAPI.decode(Update.self, input)
            return try JSONResponse.encode(try await api.transaction(input) { connection, principal in
                // Attributes that are contact fields follow their rules (the same problems as ticket fields); others
                // stay free-form.
                if let attributes = body.attributes {
                    try await TicketFieldStore(tenant: principal.tenant, entity: "contact").check(attributes, allowUndefined: true, on: connection,
                                                                                                 logger: api.logger)
                }
                return try await directory(principal).update(id, displayName: body.displayName, attributes: body.attributes, on: connection,
                                                             logger: api.logger)
            })
        }
        routes.get("/api/v1/contacts/:id/timeline", .permission(.contactsRead)) { request, context, input in
            let id = try ConversationAPI.uuid(context)
            let (after, limit) = try ConversationAPI.messagePage(request)
            let messages = try await api.transaction(input) { connection, principal in
                _ = try await directory(principal).contact(id, on: connection, logger: api.logger)
                return try await MessageStore(tenant: principal.tenant).timeline(contact: id, after: after, limit: limit, on: connection,
                                                                                 logger: api.logger)
            }
            return try JSONResponse.encode(Timeline(messages: messages, next: messages.count == limit ? messages.last?.id : nil))
        }
        routes.post("/api/v1/contacts/:id/identities", .permission(.ticketsReply)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let claim = try ConversationAPI.decode(IdentityClaim.self, input)
            guard let normalised = IdentityClaim.normalised(kind: claim.kind, value: claim.value) else {
                throw JobsController.badRequest("the \(claim.kind.rawValue) value is not valid")
            }
            let added = try await api.audited(input, context, "contact.identity_added", target: "contact:\(id.uuidString.lowercased())",
                                              details: ["kind": claim.kind.rawValue]) { connection, principal in
                try await directory(principal).add(normalised, to: id, on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(added, status: .created)
        }
        routes.post("/api/v1/contacts/:id/merge", .permission(.ticketsAssign)) { _, context, input in
            let target = try ConversationAPI.uuid(context)
            let body = try ConversationAPI.decode(MergeRequest.self, input)
            let merge = try await api.audited(input, context, "contact.merged", target: "contact:\(target.uuidString.lowercased())",
                                              details: ["source": body.sourceContactID.uuidString.lowercased()]) { connection, principal in
                try await directory(principal).merge(body.sourceContactID, into: target, actor: ConversationAPI.actor(principal),
                                                     on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(merge, status: .created)
        }
        routes.post("/api/v1/contact-merges/:id/undo", .permission(.ticketsAssign)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let merge = try await api.audited(input, context, "contact.merge_undone", target: "contact-merge:\(id.uuidString.lowercased())") {
                connection, principal in
                try await directory(principal).undoMerge(id, actor: ConversationAPI.actor(principal), on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(merge)
        }
    }

    func directory(_ principal: Principal) -> ContactDirectory {
        ContactDirectory(tenant: principal.tenant, keyRing: api.keyRing)
    }
}
