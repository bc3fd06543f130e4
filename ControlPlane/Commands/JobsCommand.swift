import ArgumentParser
import Foundation
import GlavitoCore
import Logging

/// `glavito jobs stats|list|retry|discard|probe`: the job queue across all tenants, as the platform role.
struct JobsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jobs",
        abstract: "Inspect the job queue, retry or discard dead jobs, and probe the worker fleet.",
        subcommands: [Stats.self, List.self, Retry.self, Discard.self, Probe.self, Load.self]
    )

    static func withAdministration<Result: Sendable>(
        _ body: @Sendable (JobAdministration, Database) async throws -> Result
    ) async throws -> Result {
        let config = try CommandEnvironment.load()
        let logger = Logger(label: "glavito.jobs")
        return try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
            try await body(JobAdministration(database: database, tenant: nil), database)
        }
    }

    struct Stats: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Per-queue depth, running and dead counts, oldest runnable age.")

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        func run() async throws {
            let stats = try await JobsCommand.withAdministration { administration, _ in try await administration.stats() }
            if json {
                for line in stats { print(try JSONCoding.encode(line)) }
                return
            }
            print("QUEUE        AVAILABLE  RUNNABLE   RUNNING    DEAD       OLDEST_RUNNABLE_S")
            for line in stats {
                let cells = [line.queue, "\(line.available)", "\(line.runnable)", "\(line.running)", "\(line.dead)"]
                print(cells.map { $0.padding(toLength: 11, withPad: " ", startingAt: 0) }.joined()
                    + String(format: "%.1f", line.oldestRunnableAgeSeconds))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, oldest first (keyset pagination with --after).")

        @Option(help: "available, running or dead (default: all).")
        var state: String?

        @Option(help: "Show jobs with ids greater than this.")
        var after: Int64 = 0

        @Option(help: "At most this many (1...500).")
        var limit: Int = 50

        @Flag(help: "Print JSON lines instead of a table.")
        var json = false

        func run() async throws {
            let (state, after, limit) = (state, after, limit)
            let jobs: [JobSummary]
            do {
                jobs = try await JobsCommand.withAdministration { administration, _ in
                    try await administration.list(state: state, afterID: after, limit: limit)
                }
            } catch let error as JobQueueError {
                throw CommandEnvironment.fail("\(error)")
            }
            if json {
                for job in jobs { print(try JSONCoding.encode(job)) }
                return
            }
            print("ID          STATE      ATTEMPT  KIND                              TENANT                                LAST_ERROR")
            for job in jobs {
                print(String(job.id).padding(toLength: 12, withPad: " ", startingAt: 0)
                    + job.state.padding(toLength: 11, withPad: " ", startingAt: 0)
                    + "\(job.attempt)/\(job.maxAttempts)".padding(toLength: 9, withPad: " ", startingAt: 0)
                    + job.kind.padding(toLength: 34, withPad: " ", startingAt: 0)
                    + job.tenant.description.padding(toLength: 38, withPad: " ", startingAt: 0)
                    + (job.lastError.map { String($0.prefix(60)) } ?? ""))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Make dead jobs runnable again with fresh attempts.")

        @Argument(help: "Ids of dead jobs.")
        var ids: [Int64]

        func run() async throws {
            let ids = ids
            try await JobsCommand.each(ids) { administration, id in try await administration.retry(id: id) }
            print("retried \(ids.count) job(s)")
        }
    }

    struct Discard: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove dead jobs for good (recorded in job_history).")

        @Argument(help: "Ids of dead jobs.")
        var ids: [Int64]

        func run() async throws {
            let ids = ids
            try await JobsCommand.each(ids) { administration, id in try await administration.discard(id: id) }
            print("discarded \(ids.count) job(s)")
        }
    }

    /// Applies `action` to every id; stops at the first failure with a clear message (earlier ids stay done).
    static func each(_ ids: [Int64], _ action: @escaping @Sendable (JobAdministration, Int64) async throws -> Void) async throws {
        do {
            try await withAdministration { administration, _ in
                for id in ids { try await action(administration, id) }
            }
        } catch let error as JobQueueError {
            throw CommandEnvironment.fail("\(error)")
        }
    }
}
