import Foundation
import Logging
import PostgresNIO

/// A tenant's contacts and their identities. Identity values are sealed with the tenant's data key and found by
/// keyed blind indexes; every method runs on a connection in a transaction bound to the tenant.
public struct ContactDirectory: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys.
    public let keyRing: TenantKeyRing

    /// Creates a directory for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    static func purpose(_ kind: IdentityKind) -> String { "identity/\(kind.rawValue)" }

    func context(_ id: UUID) -> FieldContext {
        FieldContext(tenant: tenant, table: "contact_identities", column: "value_sealed", row: id.uuidString.lowercased())
    }

    /// Finds the contact a message's identities belong to, or creates one, and links the identities not yet known.
    ///
    /// A channel-scoped identity (WhatsApp id, BSUID, Instagram id, web visitor) decides first; otherwise a phone or
    /// email already on file links the message to that contact (`matched_phone`, `matched_email`). New identities
    /// record the identity that matched and `sourceMessage`. Concurrent messages of the same new customer
    /// serialise on transaction-scoped advisory locks of the identities, so they end on one contact.
    /// `locked`: the caller already holds the identities' advisory locks (``InboundIngestor`` takes them all first).
    public func resolve(_ claims: [IdentityClaim], profileName: String?, sourceMessage: UUID?, locked: Bool = false,
                        on connection: PostgresConnection, logger: Logger) async throws -> ContactResolution {
        try await resolve([Sender(claims: claims, profileName: profileName, sourceMessage: sourceMessage)], locked: locked,
                          on: connection, logger: logger)[0]
    }

    /// Adds an identity to a contact by hand (`added`). Fails with a conflict when another contact has it: merge
    /// those contacts instead.
    public func add(_ claim: IdentityClaim, to contact: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ContactIdentity {
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let index = cipher.blindIndex(claim.value, purpose: Self.purpose(claim.kind))
        try await connection.checkedQuery("SELECT pg_advisory_xact_lock(\(Self.lockKey(index)))", logger: logger)
        if let existing = try await lookup(kinds: [claim.kind.rawValue], indexes: [index], on: connection, logger: logger)[index] {
            throw ConversationError.conflict(existing.contact == contact ? "the contact already has this identity"
                                                                         : "another contact has this identity; merge the two contacts instead")
        }
        let id = UUID()
        try await insertIdentity(id: id, contact: contact, claim: claim, index: index, reason: "added", matched: nil, source: nil,
                                 cipher: cipher, on: connection, logger: logger)
        guard let added = try await identities(of: contact, on: connection, logger: logger).first(where: { $0.id == id }) else {
            throw ConversationError.notFound("the identity was not stored")
        }
        return added
    }

    /// A contact's identities, decrypted, oldest first.
    public func identities(of contact: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [ContactIdentity] {
        try await identities(where: "contact_id", contact, on: connection, logger: logger)
    }

    /// One identity, decrypted (a send job's recipient address).
    public func identity(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ContactIdentity {
        guard let found = try await identities(where: "id", id, on: connection, logger: logger).first else {
            throw ConversationError.notFound("no identity \(id.uuidString.lowercased())")
        }
        return found
    }

    func identities(where column: String, _ value: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [ContactIdentity] {
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let rows = try await connection.checkedQuery("""
            SELECT id, contact_id, kind, value_sealed, link_reason, matched_identity_id, source_message_id, created_at
            FROM contact_identities WHERE \(unescaped: column == "id" ? "id" : "contact_id") = \(value)
            ORDER BY created_at, id
            """, logger: logger)
        var out: [ContactIdentity] = []
        for try await r in rows.decode((UUID, UUID, String, PostgresByteArray, String, UUID?, UUID?, Date).self) {
            let plain = try cipher.open(r.3.bytes, context: context(r.0))
            out.append(ContactIdentity(id: r.0, contactID: r.1, kind: IdentityKind(rawValue: r.2) ?? .webVisitor,
                                       value: String(decoding: plain, as: UTF8.self), linkReason: r.4, matchedIdentityID: r.5,
                                       sourceMessageID: r.6, createdAt: r.7))
        }
        return out
    }

    /// Finds the contact of one identity value (exact, normalised), if any.
    public func find(_ claim: IdentityClaim, on connection: PostgresConnection, logger: Logger) async throws -> UUID? {
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        let index = cipher.blindIndex(claim.value, purpose: Self.purpose(claim.kind))
        return try await lookup(kinds: [claim.kind.rawValue], indexes: [index], on: connection, logger: logger)[index]?.contact
    }

    /// The known identities among blind `indexes` (of `kinds`): identity, contact and whether the contact has a name.
    func lookup(kinds: [String], indexes: [String], on connection: PostgresConnection,
                logger: Logger) async throws -> [String: KnownIdentity] {
        var bindings = PostgresBindings(capacity: 2)
        bindings.append(kinds)
        bindings.append(indexes)
        var out: [String: KnownIdentity] = [:]
        for row in try await connection.run(ContactStatements.Lookup.self, bindings, logger: logger) {
            let (id, contact, index, named) = try row.decode((UUID, UUID, String, Bool).self)
            out[index] = KnownIdentity(id: id, contact: contact, named: named)
        }
        return out
    }

    /// An identity on file, as resolving a sender sees it.
    struct KnownIdentity {
        var id: UUID
        var contact: UUID
        /// Whether its contact has a display name (a message's profile name then changes nothing).
        var named: Bool
    }

    func insertIdentity(id: UUID, contact: UUID, claim: IdentityClaim, index: String, reason: String, matched: UUID?, source: UUID?,
                        cipher: FieldCipher, on connection: PostgresConnection, logger: Logger) async throws {
        let sealed = cipher.seal(Array(claim.value.utf8), context: context(id))
        try await connection.checkedQuery("""
            INSERT INTO contact_identities (tenant_id, id, contact_id, kind, value_sealed, value_index, link_reason,
                                            matched_identity_id, source_message_id)
            VALUES (\(tenant.rawValue), \(id), \(contact), \(claim.kind.rawValue), \(PostgresByteArray(sealed)), \(index), \(reason),
                    \(matched), \(source))
            """, logger: logger)
    }

    /// The advisory lock key of a blind index: its first 8 bytes.
    static func lockKey(_ index: String) -> Int64 {
        let bytes = Hashing.bytes(hex: String(index.prefix(16))) ?? []
        return bytes.reduce(Int64(0)) { ($0 << 8) | Int64($1) }
    }

    static func unique(_ claims: [IdentityClaim]) -> [IdentityClaim] {
        var seen = Set<IdentityClaim>()
        return claims.filter { seen.insert($0).inserted }
    }
}
