import Foundation

/// The statements of ``TicketStore/ticketsForInbound(_:settings:on:logger:)``, prepared once per connection: every
/// group of inbound messages runs the first, many the others.
enum InboundTicketStatements {
    /// Finds and locks each contact's ticket a new message joins: open, pending or snoozed, or resolved within the
    /// reopen window (`$2` seconds), the unresolved and most recently updated first. `$1`: the contacts, in the order
    /// their tickets are locked.
    enum Find: PreparedSQL {
        static let name = "glavito_inbound_tickets_find_v1"
        static let sql = """
            SELECT t.* FROM unnest($1::uuid[]) AS c (id)
            CROSS JOIN LATERAL (
                SELECT \(TicketStore.columns) FROM tickets
                WHERE contact_id = c.id
                  AND (status IN ('open', 'pending', 'snoozed')
                       OR (status = 'resolved' AND resolved_at > now() - make_interval(secs => $2::float8)))
                ORDER BY status = 'resolved', updated_at DESC
                LIMIT 1
                FOR UPDATE) AS t
            """
    }

    /// Reopens the tickets `$1`.
    enum Reopen: PreparedSQL {
        static let name = "glavito_inbound_tickets_reopen_v1"
        static let sql = """
            UPDATE tickets SET status = 'open', snoozed_until = NULL, resolved_at = NULL, updated_at = now()
            WHERE id = ANY($1::uuid[]) RETURNING \(TicketStore.columns)
            """
    }

    /// Creates tickets: `$1` the tenant; per ticket id, contact, subject, priority, channel and channel account (text,
    /// empty for none).
    enum Create: PreparedSQL {
        static let name = "glavito_inbound_tickets_create_v1"
        static let sql = """
            INSERT INTO tickets (tenant_id, id, contact_id, subject, priority, channel, last_channel, last_channel_account_id)
            SELECT $1, n.id, n.contact, n.subject, n.priority, n.channel, n.channel, nullif(n.account, '')::uuid
            FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::text[], $6::text[], $7::text[])
                 AS n (id, contact, subject, priority, channel, account)
            RETURNING \(TicketStore.columns)
            """
    }
}
