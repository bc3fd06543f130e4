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
    /// email for an email address; web chat for a visitor of that widget. Ordered by kind, then name.
    public static func list(contact: UUID, tenant: TenantID, keyRing: TenantKeyRing, on connection: PostgresConnection,
                            logger: Logger) async throws -> [ReplyChannel] {
        let identities = Set(try await ContactDirectory(tenant: tenant, keyRing: keyRing).identities(of: contact, on: connection, logger: logger)
            .map(\.kind))
        let accounts = try await ChannelAccountStore(tenant: tenant, keyRing: keyRing).list(on: connection, logger: logger)
        return accounts.filter(\.enabled).filter { account in
            switch account.kind {
            case .whatsapp: !identities.isDisjoint(with: [.whatsapp, .whatsappUser, .phone])
            case .instagram: identities.contains(.instagram)
            case .email: identities.contains(.email)
            case .webchat: identities.contains(.webVisitor)
            }
        }
        .map { ReplyChannel(channelAccountID: $0.id, channel: $0.kind, name: $0.name) }
        .sorted { ($0.channel.rawValue, $0.name) < ($1.channel.rawValue, $1.name) }
    }
}
