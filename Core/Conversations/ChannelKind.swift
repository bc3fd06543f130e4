/// A messaging channel a customer writes on.
public enum ChannelKind: String, Sendable, Codable, CaseIterable, Hashable {
    case whatsapp
    case instagram
    case webchat
    case email
}
