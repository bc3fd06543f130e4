/// A mail configuration or composition problem, with a message for the person who can fix it.
public enum MailError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)

    public var description: String {
        switch self {
        case .invalid(let text): text
        }
    }
}
