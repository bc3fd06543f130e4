/// What an append expects of its stream: the optimistic concurrency check.
public enum ExpectedVersion: Sendable, Equatable {
    /// No check: append after whatever is there.
    case any
    /// The stream must not exist yet.
    case noStream
    /// The stream's last version must be exactly this.
    case exactly(Int)
}

/// Why an append or a read failed.
public enum EventStoreError: Error, Equatable, CustomStringConvertible, Sendable {
    /// The stream's version is not the expected one: someone appended first. Reload and retry.
    case versionConflict(stream: String, expected: ExpectedVersion, actual: Int)
    /// An append of no events.
    case emptyAppend
    /// A stream name or event type is empty or too long, or a document is not JSON.
    case invalid(String)

    public var description: String {
        switch self {
        case .versionConflict(let stream, let expected, let actual):
            "stream \(stream) is at version \(actual), not \(expected): it changed since it was read"
        case .emptyAppend:
            "an append needs at least one event"
        case .invalid(let reason):
            reason
        }
    }
}
