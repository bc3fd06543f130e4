import Foundation

/// The statements that resolve senders to contacts (``ContactDirectory/resolve(_:locked:on:logger:)``), prepared once
/// per connection: every group of inbound messages runs the lookup, many the others.
enum ContactStatements {
    /// The identities on file for (kind `$1`, blind index `$2`) pairs, with whether their contact has a name: one index
    /// probe per pair.
    enum Lookup: PreparedSQL {
        static let name = "glavito_contact_lookup_v1"
        static let sql = """
            SELECT i.id, i.contact_id, c.value_index, i.named
            FROM unnest($1::text[], $2::text[]) AS c (kind, value_index)
            CROSS JOIN LATERAL (SELECT ci.id, ci.contact_id, coalesce(ct.display_name <> '', false) AS named
                                FROM contact_identities ci LEFT JOIN contacts ct ON ct.id = ci.contact_id
                                WHERE ci.kind = c.kind AND ci.value_index = c.value_index LIMIT 1) AS i
            """
    }

    /// New contacts of tenant `$1`: ids `$2`, names `$3`.
    enum InsertContacts: PreparedSQL {
        static let name = "glavito_contact_insert_v1"
        static let sql = """
            INSERT INTO contacts (tenant_id, id, display_name)
            SELECT $1, c.id, c.name FROM unnest($2::uuid[], $3::text[]) AS c (id, name)
            """
    }

    /// New identities of tenant `$1`: id, contact, kind, sealed value, blind index, link reason, matched identity and
    /// source message (both as text, empty for none).
    enum InsertIdentities: PreparedSQL {
        static let name = "glavito_contact_identity_insert_v1"
        static let sql = """
            INSERT INTO contact_identities (tenant_id, id, contact_id, kind, value_sealed, value_index, link_reason,
                                            matched_identity_id, source_message_id)
            SELECT $1, i.id, i.contact, i.kind, i.sealed, i.index, i.reason, nullif(i.matched, '')::uuid, nullif(i.source, '')::uuid
            FROM unnest($2::uuid[], $3::uuid[], $4::text[], $5::bytea[], $6::text[], $7::text[], $8::text[], $9::text[])
                 AS i (id, contact, kind, sealed, index, reason, matched, source)
            """
    }

    /// Names contacts `$1` that have none with `$2`.
    enum Name: PreparedSQL {
        static let name = "glavito_contact_name_v1"
        static let sql = """
            UPDATE contacts SET display_name = n.name, updated_at = now()
            FROM unnest($1::uuid[], $2::text[]) AS n (id, name)
            WHERE contacts.id = ANY($1::uuid[]) AND contacts.id = n.id AND contacts.display_name = ''
            """
    }
}
