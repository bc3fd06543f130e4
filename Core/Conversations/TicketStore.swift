import Foundation
import Logging
import PostgresNIO

/// A tenant's tickets. Every method runs on a connection in a transaction bound to the tenant.
public struct TicketStore: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates a store for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    static let columns = """
        id, contact_id, subject, status, priority, assignee_id, team, tags, custom_fields::text, channel, last_channel,
        last_channel_account_id, last_message_at, last_inbound_at, first_response_at, resolved_at, closed_at, snoozed_until,
        created_at, updated_at
        """

    static func decode(_ rows: PostgresRowSequence) async throws -> [Ticket] {
        var out: [Ticket] = []
        for try await row in rows { out.append(try ticket(row)) }
        return out
    }

    /// The ticket in a row of ``columns``.
    static func ticket(_ row: PostgresRow) throws -> Ticket {
        let r = try row.decode((UUID, UUID, String, String, String, UUID?, String?, [String], String, String, String,
                                UUID?, Date, Date?, Date?, Date?, Date?, Date?, Date, Date).self)
        return Ticket(id: r.0, contactID: r.1, subject: r.2, status: r.3, priority: r.4, assigneeID: r.5, team: r.6, tags: r.7,
                      customFields: JSONValue.parse(r.8).objectValue, channel: ChannelKind(rawValue: r.9) ?? .webchat,
                      lastChannel: ChannelKind(rawValue: r.10) ?? .webchat, lastChannelAccountID: r.11, lastMessageAt: r.12,
                      lastInboundAt: r.13, firstResponseAt: r.14, resolvedAt: r.15, closedAt: r.16, snoozedUntil: r.17,
                      createdAt: r.18, updatedAt: r.19)
    }

    /// One ticket.
    public func get(_ id: UUID, forUpdate: Bool = false, on connection: PostgresConnection, logger: Logger) async throws -> Ticket {
        let rows = try await connection.checkedQuery("""
            SELECT \(unescaped: Self.columns) FROM tickets WHERE id = \(id) \(unescaped: forUpdate ? "FOR UPDATE" : "")
            """, logger: logger)
        guard let ticket = try await Self.decode(rows).first else {
            throw ConversationError.notFound("no ticket \(id.uuidString.lowercased()) in this workspace")
        }
        return ticket
    }

    /// The ticket an inbound message of `contact` joins: the contact's open (or pending or snoozed) ticket on any
    /// channel, which becomes open again; else a ticket resolved within the reopen window, reopened; else a new one
    /// with the channel's priority. Returns the ticket and whether it was created.
    public func ticketForInbound(contact: UUID, channel: ChannelKind, account: UUID?, subject: String, settings: ConversationSettings,
                                 on connection: PostgresConnection, logger: Logger) async throws -> (Ticket, created: Bool, reopened: Bool) {
        let placed = try await ticketsForInbound([InboundTicket(contact: contact, channel: channel, account: account, subject: subject)],
                                                 settings: settings, on: connection, logger: logger)[0]
        return (placed.ticket, placed.created, placed.reopened)
    }

    /// Records a new message on the ticket: last activity, the customer's last channel and time for inbound
    /// messages, the first response for the first agent reply.
    public func touch(_ id: UUID, direction: String, channel: ChannelKind, account: UUID?, at: Date,
                      on connection: PostgresConnection, logger: Logger) async throws {
        try await touch([Touch(ticket: id, direction: direction, channel: channel, account: account, at: at)], on: connection, logger: logger)
    }

    /// A page of tickets matching `filter`, within what `scope` lets `user` see, by last activity (newest first).
    public func list(_ filter: TicketFilter, scope: DataScope, user: UUID?, teams: Set<String>,
                     on connection: PostgresConnection, logger: Logger) async throws -> TicketPage {
        let limit = max(1, min(filter.limit, 200))
        // Microseconds as an integer, so the keyset comparison is exact.
        let afterMicros = filter.after.map { Int64(($0.updatedAt.timeIntervalSince1970 * 1_000_000).rounded()) }
        let afterID = filter.after?.id
        let teamList = Array(teams)
        let fields: String? = filter.customFields.isEmpty ? nil : try JSONCoding.encode(filter.customFields)
        let rows = try await connection.checkedQuery("""
            SELECT \(unescaped: Self.columns) FROM tickets
            WHERE (\(filter.status)::text IS NULL OR status = \(filter.status))
              AND (\(filter.assignee)::uuid IS NULL OR assignee_id = \(filter.assignee))
              AND (NOT \(filter.unassigned) OR assignee_id IS NULL)
              AND (cardinality(\(filter.teams)::text[]) = 0 OR team = ANY(\(filter.teams)::text[]))
              AND (\(fields)::jsonb IS NULL OR custom_fields @> \(fields)::jsonb)
              AND (\(filter.priority)::text IS NULL OR priority = \(filter.priority))
              AND (\(filter.channel?.rawValue)::text IS NULL OR last_channel = \(filter.channel?.rawValue))
              AND (\(filter.tag)::text IS NULL OR tags @> ARRAY[\(filter.tag)::text])
              AND (\(filter.contact)::uuid IS NULL OR contact_id = \(filter.contact))
              AND (\(filter.updatedSince)::timestamptz IS NULL OR updated_at >= \(filter.updatedSince))
              AND (\(filter.text)::text IS NULL OR to_tsvector('simple', subject) @@ plainto_tsquery('simple', \(filter.text)))
              AND (\(afterMicros)::bigint IS NULL
                   OR (updated_at, id) < ('epoch'::timestamptz + \(afterMicros)::bigint * interval '1 microsecond', \(afterID)))
              AND (\(scope.rawValue) = 'all'
                   OR assignee_id = \(user)
                   OR (\(scope.rawValue) = 'teams' AND team = ANY(\(teamList)::text[])))
            ORDER BY updated_at DESC, id DESC
            LIMIT \(limit + 1)
            """, logger: logger)
        var tickets = try await Self.decode(rows)
        var next: TicketCursor?
        if tickets.count > limit {
            tickets.removeLast()
            if let last = tickets.last { next = TicketCursor(updatedAt: last.updatedAt, id: last.id) }
        }
        return TicketPage(tickets: tickets, next: next)
    }
}
