import Foundation
import Logging
import PostgresNIO

/// Appends the conversation events (docs/conversations.md lists them) in the caller's transaction. Ticket events
/// go to the stream `ticket/<id>` and carry the ticket's `assignee_id` and `team_id`, which live updates and
/// webhooks filter on; contact events go to `contact/<id>`.
public struct ConversationEvents: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Who caused them: `user:<id>`, `contact:<id>`, `channel:<id>`, `system`.
    public var actor: String
    /// The request that caused them, if any.
    public var requestID: String?

    /// Creates an appender.
    public init(tenant: TenantID, actor: String, requestID: String? = nil) {
        self.tenant = tenant
        self.actor = actor
        self.requestID = requestID
    }

    var metadata: EventMetadata { EventMetadata(actor: actor, requestID: requestID) }

    /// Appends `type` to the ticket's stream with the ticket's scope and `extra` facts.
    public func ticket(_ type: String, _ ticket: Ticket, _ extra: [String: String] = [:], on connection: PostgresConnection,
                       logger: Logger) async throws {
        let data = ticket.scope.merging(extra) { $1 }
        try await EventStore.append([try NewEvent(type: type, value: data, metadata: metadata)], to: "ticket/\(ticket.id.uuidString.lowercased())",
                                    tenant: tenant, on: connection, logger: logger)
    }

    /// Appends `type` to the contact's stream.
    public func contact(_ type: String, _ contact: UUID, _ data: [String: String], on connection: PostgresConnection,
                        logger: Logger) async throws {
        var data = data
        data["contact_id"] = contact.uuidString.lowercased()
        try await EventStore.append([try NewEvent(type: type, value: data, metadata: metadata)], to: "contact/\(contact.uuidString.lowercased())",
                                    tenant: tenant, on: connection, logger: logger)
    }

    /// Appends what resolving a customer's identities did to their contact: `contact.created` when it was made for
    /// them on `channel`, and one `contact.identity_linked` per new identity (naming `message`, when one revealed it).
    public func resolved(_ resolution: ContactResolution, channel: ChannelKind, message: UUID?, on connection: PostgresConnection,
                         logger: Logger) async throws {
        if resolution.createdContact {
            try await contact("contact.created", resolution.contactID, ["channel": channel.rawValue], on: connection, logger: logger)
        }
        for link in resolution.links {
            var data = ["identity_id": link.identityID.uuidString.lowercased(), "kind": link.kind.rawValue, "reason": link.reason]
            if let message { data["message_id"] = message.uuidString.lowercased() }
            if let matched = link.matchedIdentityID { data["matched_identity_id"] = matched.uuidString.lowercased() }
            try await contact("contact.identity_linked", resolution.contactID, data, on: connection, logger: logger)
        }
    }
}
