import Foundation
import Logging
import PostgresNIO

/// What resolving a batch of senders writes: new contacts, new identities and names for unnamed contacts, decided in
/// memory in the senders' order and written with one statement each.
struct ResolutionPlan {
    struct NewIdentity {
        var id: UUID
        var contact: UUID
        var claim: IdentityClaim
        var index: String
        var reason: String
        var matched: UUID?
        var source: UUID?
    }

    var contacts: [(id: UUID, name: String)] = []
    var identities: [NewIdentity] = []
    var names: [UUID: String] = [:]

    /// Decides one sender's contact; `known` (blind index to identity, contact and whether it is named) learns the
    /// identities it adds.
    mutating func resolve(_ claims: [IdentityClaim], indexes: [String], profileName: String?, sourceMessage: UUID?,
                          known: inout [String: ContactDirectory.KnownIdentity]) -> ContactResolution {
        // Which known identity decides: channel-scoped first, then phone, then email.
        let decidingIndex = claims.indices.first { !claims[$0].kind.linksAcrossChannels && known[indexes[$0]] != nil }
            ?? claims.indices.first { known[indexes[$0]] != nil }
        let contactID: UUID
        var created = false
        var reason = "first_seen"
        var matched: UUID?
        var named = !(profileName ?? "").isEmpty
        if let decidingIndex, let deciding = known[indexes[decidingIndex]] {
            contactID = deciding.contact
            matched = deciding.id
            switch claims[decidingIndex].kind {
            case .phone: reason = "matched_phone"
            case .email: reason = "matched_email"
            default: reason = "seen_with"
            }
            // Only a contact without a name takes the profile name (the first one the group brings).
            if let profileName, !profileName.isEmpty, !deciding.named, names[contactID] == nil { names[contactID] = profileName }
            named = deciding.named || names[contactID] != nil
        } else {
            contactID = UUID()
            created = true
            contacts.append((contactID, profileName ?? ""))
        }
        var ids: [UUID] = []
        var links: [ContactResolution.Link] = []
        for (position, claim) in claims.enumerated() {
            if let existing = known[indexes[position]] {
                ids.append(existing.id)
                continue
            }
            let id = UUID()
            identities.append(NewIdentity(id: id, contact: contactID, claim: claim, index: indexes[position], reason: reason,
                                          matched: matched, source: sourceMessage))
            known[indexes[position]] = ContactDirectory.KnownIdentity(id: id, contact: contactID, named: named)
            ids.append(id)
            links.append(.init(identityID: id, kind: claim.kind, reason: reason, matchedIdentityID: matched))
        }
        return ContactResolution(contactID: contactID, createdContact: created, identityIDs: ids, links: links)
    }

    /// Writes the plan: contacts, then their identities (sealed), then names for contacts that had none.
    func write(tenant: TenantID, cipher: FieldCipher, context: (UUID) -> FieldContext, on connection: PostgresConnection,
               logger: Logger) async throws {
        if !contacts.isEmpty {
            var bindings = PostgresBindings(capacity: 3)
            bindings.append(tenant.rawValue)
            bindings.append(contacts.map(\.id))
            bindings.append(contacts.map(\.name))
            _ = try await connection.run(ContactStatements.InsertContacts.self, bindings, logger: logger)
        }
        if !identities.isEmpty {
            // Optional ids travel as text, '' for none.
            let sealed = identities.map { identity in
                var buffer = ByteBuffer()
                buffer.writeBytes(cipher.seal(Array(identity.claim.value.utf8), context: context(identity.id)))
                return buffer
            }
            var bindings = PostgresBindings(capacity: 9)
            bindings.append(tenant.rawValue)
            bindings.append(identities.map(\.id))
            bindings.append(identities.map(\.contact))
            bindings.append(identities.map(\.claim.kind.rawValue))
            bindings.append(sealed)
            bindings.append(identities.map(\.index))
            bindings.append(identities.map(\.reason))
            bindings.append(identities.map { $0.matched?.uuidString ?? "" })
            bindings.append(identities.map { $0.source?.uuidString ?? "" })
            _ = try await connection.run(ContactStatements.InsertIdentities.self, bindings, logger: logger)
        }
        if !names.isEmpty {
            let named = Array(names)
            var bindings = PostgresBindings(capacity: 2)
            bindings.append(named.map(\.key))
            bindings.append(named.map(\.value))
            _ = try await connection.run(ContactStatements.Name.self, bindings, logger: logger)
        }
    }
}
