/// Errors of identity operations; each description is safe to show to the person who caused it.
public enum IdentityError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The input is not acceptable (message says why).
    case invalid(String)
    /// Something with this identity already exists.
    case conflict(String)
    /// No such record.
    case notFound(String)
    /// The credentials are wrong (never says which part).
    case invalidCredentials
    /// Too many failures: try again after the given number of seconds.
    case throttled(retryAfter: Int)

    public var description: String {
        switch self {
        case .invalid(let message), .conflict(let message), .notFound(let message): message
        case .invalidCredentials: "The email address or password is incorrect."
        case .throttled(let seconds): "Too many attempts. Try again in \(seconds) seconds."
        }
    }
}
