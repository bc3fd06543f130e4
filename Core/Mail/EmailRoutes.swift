import Foundation
import Logging
import PostgresNIO

/// The addresses that deliver to a tenant's email channels, and their resolution for the SMTP listener.
public struct EmailRoutes: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates the routes of `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Makes the stored routes of `account` its address and aliases. An address that routes elsewhere (another
    /// account, or another tenant) is refused.
    public func sync(_ account: ChannelAccount, on connection: PostgresConnection, logger: Logger) async throws {
        let settings = try EmailChannelSettings(account.settings)
        try await connection.checkedQuery("DELETE FROM email_routes WHERE tenant_id = \(tenant.rawValue) AND channel_account_id = \(account.id)",
                                   logger: logger)
        for address in settings.addresses {
            let rows = try await connection.checkedQuery("""
                INSERT INTO email_routes (address, tenant_id, channel_account_id) VALUES (\(address), \(tenant.rawValue), \(account.id))
                ON CONFLICT DO NOTHING RETURNING address
                """, logger: logger)
            var inserted = false
            for try await _ in rows.decode(String.self) { inserted = true }
            guard inserted else { throw ConversationError.conflict("the address \(address) already delivers to another channel") }
        }
    }

    /// Where mail to one recipient address goes.
    public struct Recipient: Sendable, Equatable {
        public var address: String
        public var tenant: TenantID
        public var channelAccountID: UUID
        /// Whether the channel takes mail (enabled, tenant active).
        public var enabled: Bool
        /// The per-ticket token from a `<local>+<token>@` reply address.
        public var token: String?
    }

    /// Resolves `address` before any tenant is bound: the full address first, then without its `+tag`.
    public static func resolve(_ address: String, database: Database) async throws -> Recipient? {
        let lowered = address.lowercased()
        var candidates: [(String, String?)] = [(lowered, nil)]
        let parts = lowered.split(separator: "@", maxSplits: 1)
        if parts.count == 2, let plus = parts[0].firstIndex(of: "+") {
            let token = String(parts[0][parts[0].index(after: plus)...])
            candidates.append(("\(parts[0][..<plus])@\(parts[1])", token.isEmpty ? nil : token))
        }
        return try await database.withConnection { connection in
            for (candidate, token) in candidates {
                let rows = try await connection.checkedQuery("""
                    SELECT tenant_id, channel_account_id, enabled FROM glavito_resolve_email_recipient(\(candidate))
                    """, logger: database.logger)
                for try await (tenant, account, enabled) in rows.decode((UUID, UUID, Bool).self) {
                    return Recipient(address: lowered, tenant: TenantID(tenant), channelAccountID: account, enabled: enabled, token: token)
                }
            }
            return nil
        }
    }
}
