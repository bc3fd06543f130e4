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
}
