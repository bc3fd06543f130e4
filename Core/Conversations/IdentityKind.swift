/// The kinds of identity a contact can have. The raw value is what the database and the API store.
public enum IdentityKind: String, Sendable, Codable, CaseIterable, Hashable {
    /// A phone number in E.164 (`+4915112345678`).
    case phone
    /// An email address, lower-cased.
    case email
    /// A WhatsApp id (`wa_id`): the digits of the phone number WhatsApp knows, without `+`.
    case whatsapp = "wa_id"
    /// A WhatsApp business-scoped user id (BSUID: `contacts[].user_id`, `from_user_id`); the phone may be withheld.
    case whatsappUser = "wa_bsuid"
    /// An Instagram-scoped id (IGSID) of the sender.
    case instagram = "ig_sid"
    /// A web chat visitor id issued by our widget.
    case webVisitor = "web_visitor"

    /// Whether a new identity of this kind with the same value as a known one may link to that contact on its own
    /// (phone and email are shared facts; channel-scoped ids only ever match themselves).
    public var linksAcrossChannels: Bool { self == .phone || self == .email }
}

/// One identity of a customer as a channel reports it, already normalised (see ``PhoneNumber`` and
/// ``IdentityClaim/normalised(kind:value:)``).
public struct IdentityClaim: Sendable, Hashable, Codable {
    /// What kind of identity.
    public var kind: IdentityKind
    /// The normalised value.
    public var value: String

    /// Creates a claim from an already normalised value.
    public init(kind: IdentityKind, value: String) {
        self.kind = kind
        self.value = value
    }
}
