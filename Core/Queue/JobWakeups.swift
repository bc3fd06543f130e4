import Logging
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// Coalesced NOTIFY wake-ups for idle workers, sent after the enqueuing transaction committed.
///
/// A NOTIFY inside every enqueuing transaction would take PostgreSQL's global notify lock at each commit and
/// serialise them. Instead a process calls ``signal(queues:)`` after its commit (cheap, never blocks) and this
/// service sends at most one NOTIFY per queue per ``window`` on its own connection. A lost wake-up only costs
/// latency: workers also poll.
public final class JobWakeups: Service, Sendable {
    private let database: Database
    /// The shortest interval between two NOTIFY rounds.
    public let window: Duration
    private let pending = Mutex<Set<String>>([])
    private let stream: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    /// Creates the service; run it in the process's ServiceGroup after the database client.
    public init(database: Database, window: Duration = .milliseconds(2)) {
        self.database = database
        self.window = window
        (stream, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    /// Asks for a wake-up of the workers serving `queues`; returns at once.
    public func signal(queues: some Sequence<String>) {
        let added = pending.withLock { set in
            let before = set.count
            set.formUnion(queues)
            return set.count > before
        }
        if added { continuation.yield() }
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            for await _ in self.stream {
                await self.flush()
                try? await Task.sleep(for: self.window)
            }
        }
        await flush()
    }

    private func flush() async {
        let queues = pending.withLock { set in
            defer { set.removeAll() }
            return Array(set).sorted()
        }
        guard !queues.isEmpty else { return }
        let logger = database.logger
        do {
            try await database.withConnection { connection in
                try await connection.checkedQuery("""
                    SELECT pg_notify(\(JobQueue.notifyChannel), q)
                    FROM unnest(\(queues)::text[]) AS q
                    """, logger: logger)
            }
        } catch {
            logger.warning("job wake-up not sent; workers will poll", metadata: ["glavito.error": "\(String(reflecting: error))"])
        }
    }
}
