/// Why a live subscription ended.
public enum LiveEndReason: Sendable, Equatable {
    /// The client fell too far behind (its buffer filled): it should reconnect and resume from its last cursor.
    case tooSlow
    /// The process is stopping: reconnect (to any process) and resume from the last cursor.
    case shuttingDown

    /// The text sent to the client.
    public var message: String {
        switch self {
        case .tooSlow: "too slow: reconnect and resume from your last cursor"
        case .shuttingDown: "server going away: reconnect and resume from your last cursor"
        }
    }
}
