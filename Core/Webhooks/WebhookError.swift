/// Errors of webhook administration; each description is safe to show to the admin who caused it.
public enum WebhookError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The input is not acceptable (message says why).
    case invalid(String)
    /// No such subscription or delivery in this workspace.
    case notFound(String)

    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message): message
        }
    }
}
