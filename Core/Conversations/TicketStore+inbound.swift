import Foundation
import Logging
import PostgresNIO

extension TicketStore {
    /// An inbound message looking for its ticket.
    public struct InboundTicket: Sendable {
        /// The sender's contact.
        public var contact: UUID
        /// The message's channel.
        public var channel: ChannelKind
        /// The channel account it came through, if any.
        public var account: UUID?
        /// The subject a new ticket gets.
        public var subject: String

        /// Creates a request.
        public init(contact: UUID, channel: ChannelKind, account: UUID?, subject: String) {
            self.contact = contact
            self.channel = channel
            self.account = account
            self.subject = subject
        }
    }

    /// Where an inbound message landed.
    public struct PlacedTicket: Sendable {
        /// The ticket.
        public var ticket: Ticket
        /// Whether it was created for this message.
        public var created: Bool
        /// Whether this message reopened it (it was resolved).
        public var reopened: Bool
    }

    /// The tickets several inbound messages join, decided in order as
    /// ``ticketForInbound(contact:channel:account:subject:settings:on:logger:)`` would one after the other (a later
    /// message of the same contact joins the ticket an earlier one opened or reopened), with one statement each to
    /// find and lock, reopen and create tickets for all of them. Candidate tickets are locked in contact order.
    public func ticketsForInbound(_ requests: [InboundTicket], settings: ConversationSettings, on connection: PostgresConnection,
                                  logger: Logger) async throws -> [PlacedTicket] {
        let contacts = Set(requests.map(\.contact)).sorted(by: UUID.lockOrder)
        var find = PostgresBindings(capacity: 2)
        find.append(contacts)
        find.append(settings.reopenWindowHours * 3600)
        let found = try await connection.run(InboundTicketStatements.Find.self, find, logger: logger).map(Self.ticket)
        // Each contact's ticket as the messages so far left it.
        var current: [UUID: (id: UUID, status: String)] = [:]
        for ticket in found { current[ticket.contactID] = (ticket.id, ticket.status) }
        enum Placement { case existing(UUID), reopened(UUID), created(UUID) }
        var placements: [Placement] = []
        var reopen: [UUID] = []
        var create: [(id: UUID, request: InboundTicket)] = []
        for request in requests {
            if let ticket = current[request.contact] {
                if ticket.status == "open" {
                    placements.append(.existing(ticket.id))
                } else {
                    reopen.append(ticket.id)
                    placements.append(ticket.status == "resolved" ? .reopened(ticket.id) : .existing(ticket.id))
                    current[request.contact] = (ticket.id, "open")
                }
                continue
            }
            let id = UUID()
            create.append((id, request))
            placements.append(.created(id))
            current[request.contact] = (id, "open")
        }
        var stored: [UUID: Ticket] = [:]
        for ticket in found { stored[ticket.id] = ticket }
        if !reopen.isEmpty {
            var bindings = PostgresBindings(capacity: 1)
            bindings.append(reopen)
            for row in try await connection.run(InboundTicketStatements.Reopen.self, bindings, logger: logger) {
                let ticket = try Self.ticket(row)
                stored[ticket.id] = ticket
            }
        }
        if !create.isEmpty {
            var bindings = PostgresBindings(capacity: 7)
            bindings.append(tenant.rawValue)
            bindings.append(create.map(\.id))
            bindings.append(create.map(\.request.contact))
            bindings.append(create.map { String($0.request.subject.prefix(200)) })
            bindings.append(create.map { settings.priority(for: $0.request.channel) })
            bindings.append(create.map(\.request.channel.rawValue))
            bindings.append(create.map { $0.request.account?.uuidString ?? "" })
            let created = try await connection.run(InboundTicketStatements.Create.self, bindings, logger: logger).map(Self.ticket)
            for ticket in created { stored[ticket.id] = ticket }
        }
        return try placements.map { placement in
            let (id, created, reopened): (UUID, Bool, Bool) = switch placement {
            case .existing(let id): (id, false, false)
            case .reopened(let id): (id, false, true)
            case .created(let id): (id, true, false)
            }
            guard let ticket = stored[id] else { throw ConversationError.notFound("the ticket was not stored") }
            return PlacedTicket(ticket: ticket, created: created, reopened: reopened)
        }
    }
}
