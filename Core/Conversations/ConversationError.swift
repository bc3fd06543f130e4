import Foundation

/// Errors of the conversations domain; each description is safe to show to the caller who caused it.
public enum ConversationError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The input is not acceptable (message says why).
    case invalid(String)
    /// No such record in this workspace.
    case notFound(String)
    /// The change conflicts with the record's state (message says why).
    case conflict(String)
    /// A ticket names a team (by key) that the tenant does not have.
    case unknownTeam(String)
    /// Free text on a channel whose customer-service window is closed (or was never opened); `closedAt` is when it
    /// closed, if the customer ever wrote.
    case windowClosed(channel: ChannelKind, closedAt: Date?)
    /// Well-formed, but the channel cannot carry it (a file type or size, an interactive message's shape); the
    /// message says what the channel accepts.
    case unsupported(String)

    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .conflict(let message), .unsupported(let message): message
        case .unknownTeam(let key): "there is no team \(key) in this workspace (admins create teams at /admin/teams)"
        case .windowClosed(let channel, let closedAt):
            if let closedAt {
                "the \(channel.rawValue) customer-service window closed at \(ISO8601DateFormatter().string(from: closedAt)); "
                    + "send an approved template instead"
            } else {
                "the customer has not written on \(channel.rawValue) yet, so only an approved template can start the conversation"
            }
        }
    }
}
