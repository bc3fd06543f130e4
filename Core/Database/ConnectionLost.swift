import PostgresNIO

/// The connection to PostgreSQL was gone before a statement could be sent (the server restarted or the network
/// dropped). Nothing was sent, so the work can be retried on a fresh connection.
///
/// Why it exists: postgres-nio 1.33 never answers a statement written to a connection whose channel has already
/// closed (the write is dropped with its promise), so the caller would wait forever and hold its pool lease.
/// Every statement goes through `PostgresConnection.checkedQuery` or `run`, which check the connection first;
/// ``Database`` also leases again when the pool hands out a closed connection, and it never sends ROLLBACK on a
/// connection that a statement just reported as lost.
public struct ConnectionLost: Error, CustomStringConvertible, Sendable {
    /// What was about to happen.
    public let step: String

    /// Creates the error for `step` (for example "BEGIN").
    public init(step: String) {
        self.step = step
    }

    public var description: String { "the database connection was closed before \(step); nothing was sent" }

    /// Throws when `connection` is already closed.
    static func check(_ connection: PostgresConnection, before step: String) throws {
        if connection.isClosed { throw ConnectionLost(step: step) }
    }

    /// Whether `error` says the connection is gone (so no further statement may be sent on it).
    static func isLost(_ error: any Error, on connection: PostgresConnection) -> Bool {
        if connection.isClosed || error is ConnectionLost { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .serverClosedConnection, .clientClosedConnection, .connectionError, .uncleanShutdown, .poolClosed:
            return true
        default:
            return false
        }
    }
}
