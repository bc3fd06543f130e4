import Foundation
import Logging
import PostgresNIO

/// A channel account a reply to a contact can go out on: the contact has an identity that channel reaches.
public struct ReplyChannel: Sendable, Codable, Equatable {
    public var channelAccountID: UUID
    public var channel: ChannelKind
    public var name: String

    enum CodingKeys: String, CodingKey {
        case channel, name
        case channelAccountID = "channel_account_id"
    }

    /// The enabled accounts that reach `contact`: WhatsApp for a WhatsApp id, BSUID or phone; Instagram for an IGSID;
    /// email for an email address; web chat for a visitor id. Ordered by kind, then name. One query over the identity
    /// kinds and account names, so nothing sealed is opened (the ticket detail, read on every live event, asks).
    public static func list(contact: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [ReplyChannel] {
        let rows = try await connection.checkedQuery("""
            SELECT a.id, a.kind, a.name FROM channel_accounts a
            WHERE a.enabled AND EXISTS (
                SELECT 1 FROM contact_identities i
                WHERE i.contact_id = \(contact)
                  AND i.kind = ANY(CASE a.kind WHEN 'whatsapp' THEN ARRAY['wa_id', 'wa_bsuid', 'phone'] WHEN 'instagram' THEN ARRAY['ig_sid']
                                               WHEN 'email' THEN ARRAY['email'] ELSE ARRAY['web_visitor'] END))
            ORDER BY a.kind, a.name, a.id
            """, logger: logger)
        var out: [ReplyChannel] = []
        for try await (id, kind, name) in rows.decode((UUID, String, String).self) {
            guard let channel = ChannelKind(rawValue: kind) else { continue }
            out.append(ReplyChannel(channelAccountID: id, channel: channel, name: name))
        }
        return out
    }
}
