/// Why live updates could not be served.
public enum LiveError: Error, Sendable {
    /// The hub has not started or is stopping.
    case unavailable
}
