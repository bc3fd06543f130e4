import Foundation

/// Moves the customer-service window of a channel-scoped identity (prepared once per connection).
enum ChannelWindowStatement: PreparedSQL {
    static let name = "glavito_channel_window_v1"
    static let sql = """
        INSERT INTO channel_windows (tenant_id, channel_account_id, identity_id, contact_id, last_inbound_at)
        VALUES ($1, $2, $3, $4, $5)
        ON CONFLICT (tenant_id, channel_account_id, identity_id) DO UPDATE
        SET last_inbound_at = greatest(channel_windows.last_inbound_at, excluded.last_inbound_at), contact_id = excluded.contact_id
        """
}
