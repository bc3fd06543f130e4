import Foundation
import Logging
import PostgresNIO

/// Conversation events collected during a transaction and appended at its end, ordered by partition.
///
/// An append locks its partition's head until the transaction ends. Appending as the work goes would hold those
/// locks through the rest of the transaction (serialising every writer of the partition) and take them in
/// whatever order the work happens to touch streams, so two ingests could deadlock. Appending everything last, in
/// one ``EventStore/append(streams:tenant:on:logger:)`` that locks in partition order, keeps the locks short and
/// always taken in the same order.
public struct ConversationEventBuffer: Sendable {
    /// Who causes the events queued next, and in which request.
    public var events: ConversationEvents {
        didSet { if events.metadata != metadataOf.metadata { metadataOf = (events.metadata, nil) } }
    }
    private var pending: [(stream: String, event: NewEvent)] = []
    /// The metadata's JSON, written once per actor rather than once per event.
    private var metadataOf: (metadata: EventMetadata, json: String?)

    /// Creates an empty buffer appending as `events` would.
    public init(_ events: ConversationEvents) {
        self.events = events
        metadataOf = (events.metadata, nil)
    }

    private mutating func event(_ type: String, _ data: [String: String]) throws -> NewEvent {
        let metadata = try metadataOf.json ?? JSONCoding.encode(metadataOf.metadata)
        metadataOf.json = metadata
        return NewEvent(type: type, data: JSONCoding.object(data), metadata: metadata)
    }

    /// Queues `type` for the ticket's stream with the ticket's scope and `extra` facts.
    public mutating func ticket(_ type: String, _ ticket: Ticket, _ extra: [String: String] = [:]) throws {
        let data = ticket.scope.merging(extra) { $1 }
        pending.append(("ticket/\(ticket.id.uuidString.lowercased())", try event(type, data)))
    }

    /// Queues `type` for the contact's stream.
    public mutating func contact(_ type: String, _ contact: UUID, _ data: [String: String]) throws {
        var data = data
        data["contact_id"] = contact.uuidString.lowercased()
        pending.append(("contact/\(contact.uuidString.lowercased())", try event(type, data)))
    }

    /// Queues what resolving a customer's identities did to their contact: `contact.created` when it was made for
    /// them on `channel`, and one `contact.identity_linked` per new identity (naming `message`, when one revealed it).
    public mutating func resolved(_ resolution: ContactResolution, channel: ChannelKind, message: UUID?) throws {
        if resolution.createdContact {
            try contact("contact.created", resolution.contactID, ["channel": channel.rawValue])
        }
        for link in resolution.links {
            var data = ["identity_id": link.identityID.uuidString.lowercased(), "kind": link.kind.rawValue, "reason": link.reason]
            if let message { data["message_id"] = message.uuidString.lowercased() }
            if let matched = link.matchedIdentityID { data["matched_identity_id"] = matched.uuidString.lowercased() }
            try contact("contact.identity_linked", resolution.contactID, data)
        }
    }

    /// Appends everything queued in one multi-stream append (events of a stream keep their order; the partitions
    /// are locked in partition order) and empties the buffer.
    public mutating func flush(on connection: PostgresConnection, logger: Logger) async throws {
        guard !pending.isEmpty else { return }
        var order: [String] = []
        var byStream: [String: [NewEvent]] = [:]
        for (stream, event) in pending {
            if byStream[stream] == nil { order.append(stream) }
            byStream[stream, default: []].append(event)
        }
        try await EventStore.append(streams: order.map { ($0, byStream[$0] ?? []) }, tenant: events.tenant, on: connection, logger: logger)
        pending.removeAll()
    }
}
