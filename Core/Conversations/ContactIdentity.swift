import Foundation

/// One identity of a contact, decrypted, with the record of why it belongs there.
public struct ContactIdentity: Sendable, Codable, Equatable {
    public var id: UUID
    public var contactID: UUID
    public var kind: IdentityKind
    public var value: String
    /// `first_seen`, `seen_with`, `matched_phone`, `matched_email`, `added` or `merged`.
    public var linkReason: String
    /// The identity whose match linked this one.
    public var matchedIdentityID: UUID?
    /// The message that revealed it.
    public var sourceMessageID: UUID?
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, value
        case contactID = "contact_id"
        case linkReason = "link_reason"
        case matchedIdentityID = "matched_identity_id"
        case sourceMessageID = "source_message_id"
        case createdAt = "created_at"
    }
}

/// What resolving a message's identities did: the contact it lands on and the identities created on the way.
public struct ContactResolution: Sendable, Equatable {
    /// The contact.
    public var contactID: UUID
    /// Whether the contact was created for this message.
    public var createdContact: Bool
    /// The identity id of each claim, in the claims' order.
    public var identityIDs: [UUID]
    /// Identities created by this resolution (kind, id, reason, matched identity).
    public var links: [Link]

    /// A new identity and why it was linked.
    public struct Link: Sendable, Equatable, Codable {
        public var identityID: UUID
        public var kind: IdentityKind
        public var reason: String
        public var matchedIdentityID: UUID?

        enum CodingKeys: String, CodingKey {
            case kind, reason
            case identityID = "identity_id"
            case matchedIdentityID = "matched_identity_id"
        }
    }
}
