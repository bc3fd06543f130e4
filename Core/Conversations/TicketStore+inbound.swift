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
        let contacts = Set(requests.map(\.contact)).sorted { $0.uuidString < $1.uuidString }
        let found = try await Self.decode(try await connection.query("""
            SELECT t.* FROM unnest(\(contacts)::uuid[]) AS c (id)
            CROSS JOIN LATERAL (
                SELECT \(unescaped: Self.columns) FROM tickets
                WHERE contact_id = c.id
                  AND (status IN ('open', 'pending', 'snoozed')
                       OR (status = 'resolved' AND resolved_at > now() - make_interval(secs => \(settings.reopenWindowHours * 3600))))
                ORDER BY status = 'resolved', updated_at DESC
                LIMIT 1
                FOR UPDATE) AS t
            """, logger: logger))
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
            for ticket in try await Self.decode(try await connection.query("""
                UPDATE tickets SET status = 'open', snoozed_until = NULL, resolved_at = NULL, updated_at = now()
                WHERE id = ANY(\(reopen)::uuid[]) RETURNING \(unescaped: Self.columns)
                """, logger: logger)) {
                stored[ticket.id] = ticket
            }
        }
        if !create.isEmpty {
            let created = try await Self.decode(try await connection.query("""
                INSERT INTO tickets (tenant_id, id, contact_id, subject, priority, channel, last_channel, last_channel_account_id)
                SELECT \(tenant.rawValue), n.id, n.contact, n.subject, n.priority, n.channel, n.channel, nullif(n.account, '')::uuid
                FROM unnest(\(create.map(\.id))::uuid[], \(create.map(\.request.contact))::uuid[],
                            \(create.map { String($0.request.subject.prefix(200)) })::text[],
                            \(create.map { settings.priority(for: $0.request.channel) })::text[], \(create.map(\.request.channel.rawValue))::text[],
                            \(create.map { $0.request.account?.uuidString ?? "" })::text[]) AS n (id, contact, subject, priority, channel, account)
                RETURNING \(unescaped: Self.columns)
                """, logger: logger))
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
