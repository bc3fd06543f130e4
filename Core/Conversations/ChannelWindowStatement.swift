import Foundation

/// Moves the customer-service windows of channel-scoped identities (prepared once per connection): `$2` accounts,
/// `$3` identities, `$4` contacts, `$5` times, one entry per identity (no identity twice).
enum ChannelWindowStatement: PreparedSQL {
    static let name = "glavito_channel_window_v2"
    static let sql = """
        INSERT INTO channel_windows (tenant_id, channel_account_id, identity_id, contact_id, last_inbound_at)
        SELECT $1, w.account, w.identity, w.contact, w.at
        FROM unnest($2::uuid[], $3::uuid[], $4::uuid[], $5::timestamptz[]) AS w (account, identity, contact, at)
        ON CONFLICT (tenant_id, channel_account_id, identity_id) DO UPDATE
        SET last_inbound_at = greatest(channel_windows.last_inbound_at, excluded.last_inbound_at), contact_id = excluded.contact_id
        """
}
