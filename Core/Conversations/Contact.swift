import Foundation

/// A customer, with every identity they were seen with.
public struct Contact: Sendable, Codable, Equatable {
    public var id: UUID
    public var displayName: String
    public var attributes: [String: JSONValue]
    /// Set while merged into another contact.
    public var mergedInto: UUID?
    public var identities: [ContactIdentity]
    public var createdAt: Date
    public var updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, attributes, identities
        case displayName = "display_name"
        case mergedInto = "merged_into"
        case createdAt = "created_at"
        case updatedAt = "updated_at"
    }
}

/// A merge of one contact into another, which can be undone.
public struct ContactMerge: Sendable, Codable, Equatable {
    public var id: UUID
    public var targetContactID: UUID
    public var sourceContactID: UUID
    public var identityIDs: [UUID]
    public var ticketIDs: [UUID]
    public var mergedAt: Date
    public var undoneAt: Date?

    enum CodingKeys: String, CodingKey {
        case id
        case targetContactID = "target_contact_id"
        case sourceContactID = "source_contact_id"
        case identityIDs = "identity_ids"
        case ticketIDs = "ticket_ids"
        case mergedAt = "merged_at"
        case undoneAt = "undone_at"
    }
}
