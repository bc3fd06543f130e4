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
        var buffer = ConversationEventBuffer(self)
        try buffer.ticket(type, ticket, extra)
        try await buffer.flush(on: connection, logger: logger)
    }

    /// Appends `type` to the contact's stream.
    public func contact(_ type: String, _ contact: UUID, _ data: [String: String], on connection: PostgresConnection,
                        logger: Logger) async throws {
        var buffer = ConversationEventBuffer(self)
        try buffer.contact(type, contact, data)
        try await buffer.flush(on: connection, logger: logger)
    }

    /// Appends what resolving a customer's identities did to their contact (see
    /// ``ConversationEventBuffer/resolved(_:channel:message:)``).
    public func resolved(_ resolution: ContactResolution, channel: ChannelKind, message: UUID?, on connection: PostgresConnection,
                         logger: Logger) async throws {
        var buffer = ConversationEventBuffer(self)
        try buffer.resolved(resolution, channel: channel, message: message)
        try await buffer.flush(on: connection, logger: logger)
    }
}
