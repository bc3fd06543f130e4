import Foundation
import Logging
import PostgresNIO

/// The two lookups a group of new inbound messages starts with, in one round trip: which of their provider ids are
/// stored already (``MessageStore/ProviderIDsStatement``) and which of their senders' identities are on file
/// (``ContactStatements/Lookup``), as the two halves of a `UNION ALL` told apart by their first column.
enum InboundLookupStatement: PreparedSQL {
    static let name = "glavito_inbound_lookup_v1"
    static let sql = """
        SELECT 'message' AS part, p.account, p.provider_id, p.id, NULL::uuid AS contact_id, NULL::text AS value_index, false AS named
        FROM (\(MessageStore.ProviderIDsStatement.sql)) AS p
        UNION ALL
        SELECT 'identity', NULL::uuid, NULL::text, i.id, i.contact_id, i.value_index, i.named
        FROM (\(SQLText.renumbered(ContactStatements.Lookup.sql, from: 1, by: 2))) AS i
        """

    /// Our ids of the stored messages among `keys`, and the identities on file among (`kinds`, `indexes`) by blind
    /// index.
    static func run(keys: [MessageStore.ProviderKey], kinds: [String], indexes: [String], on connection: PostgresConnection,
                    logger: Logger) async throws -> (stored: [MessageStore.ProviderKey: UUID], known: [String: ContactDirectory.KnownIdentity]) {
        var bindings = PostgresBindings(capacity: 4)
        bindings.append(keys.map(\.account))
        bindings.append(keys.map(\.providerID))
        bindings.append(kinds)
        bindings.append(indexes)
        var stored: [MessageStore.ProviderKey: UUID] = [:]
        var known: [String: ContactDirectory.KnownIdentity] = [:]
        for row in try await connection.run(Self.self, bindings, logger: logger) {
            let (part, account, providerID, id, contact, index, named) = try row.decode((String, UUID?, String?, UUID, UUID?, String?, Bool).self)
            if part == "message", let account, let providerID {
                stored[MessageStore.ProviderKey(account: account, providerID: providerID)] = id
            } else if let contact, let index {
                known[index] = ContactDirectory.KnownIdentity(id: id, contact: contact, named: named)
            }
        }
        return (stored, known)
    }
}
