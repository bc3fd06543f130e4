import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// Restarting PostgreSQL under load. The suite's shared cluster must not be restarted (other tests use it), so
/// this test starts its own small cluster with infra/postgres.sh in a temporary directory and migrates it with
/// the real `glavito migrate`.
@Suite("PostgreSQL restart under load")
struct PostgresRestartTests {
    struct Cluster {
        let directory: URL
        let environment: [String: String]
        let script: URL

        static func start() async throws -> Cluster {
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-restart-\(UUID().uuidString.prefix(8))")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let script = try TestEnvironment.repoRoot().appendingPathComponent("infra/postgres.sh")
            var environment = ProcessInfo.processInfo.environment
            environment["GLAVITO_PGDATA"] = directory.appendingPathComponent("pg").path
            environment["GLAVITO_PGPORT"] = String(try ManagedProcess.freePort())
            environment["GLAVITO_ENV_FILE"] = directory.appendingPathComponent("glavito.env").path
            environment["GLAVITO_PG_FSYNC"] = "off"
            let cluster = Cluster(directory: directory, environment: environment, script: script)
            try await cluster.run("start", until: "credentials in")
            return cluster
        }

        /// Runs `postgres.sh command` and waits for `marker` in its output. (Not for its exit: the server that
        /// pg_ctl daemonises inherits what Foundation's Process watches, so the exit of the script is not seen.)
        func run(_ command: String, until marker: String) async throws {
            let process = try ManagedProcess(
                executable: URL(fileURLWithPath: "/bin/bash"), arguments: [script.path, command], environment: environment
            )
            guard try await process.waitForOutput(containing: marker, timeout: .seconds(90)) else {
                throw WorkerFleet.FleetError(message: "postgres.sh \(command): \(process.output)")
            }
        }

        /// The GLAVITO_* variables for a process against this cluster.
        func glavitoEnvironment() throws -> [String: String] {
            let text = try String(contentsOf: directory.appendingPathComponent("glavito.env"), encoding: .utf8)
            var environment = try TestEnvironment.processEnvironment()
            for line in text.split(separator: "\n") where !line.hasPrefix("#") {
                guard let equals = line.firstIndex(of: "=") else { continue }
                environment[String(line[..<equals])] = String(line[line.index(after: equals)...])
            }
            return environment
        }

        func remove() async {
            try? await run("stop", until: "stopped")
            try? FileManager.default.removeItem(at: directory)
        }
    }

    @Test("workers reconnect after PostgreSQL restarts mid-drain and finish every job")
    func restartUnderLoad() async throws {
        let cluster = try await Cluster.start()
        do {
            try await exercise(cluster)
        } catch {
            await cluster.remove()
            throw error
        }
        await cluster.remove()
    }

    private func exercise(_ cluster: Cluster) async throws {
        let environment = try cluster.glavitoEnvironment()
        let binaries = try TestEnvironment.binDirectory()
        let migrated = try await ManagedProcess.run(executable: binaries.appendingPathComponent("glavito"), arguments: ["migrate"], environment: environment)
        #expect(migrated.status == 0, "\(migrated.output)")
        let appURL = try DatabaseURL(parsing: try #require(environment["GLAVITO_DATABASE_URL"]))
        let platformURL = try DatabaseURL(parsing: try #require(environment["GLAVITO_PLATFORM_DATABASE_URL"]))
        let tenant = try await Database.withRunning(url: platformURL, logger: TestDatabases.logger) { platform in
            let definition = TenantDefinition(sourceFile: "test", slug: "restart", name: "Restart", branding: Branding(displayName: "Restart"))
            _ = try await TenantDirectory(platform: platform).apply([definition])
            return try #require(try await TenantDirectory(platform: platform).list().first).id
        }
        // A handler's database call in flight at the moment PostgreSQL stops can hang for good (seen with
        // postgres-nio's pool): the job timeout lets its lease expire so the job runs again elsewhere.
        let fleet = WorkerFleet(tenant: tenant, settings: ["GLAVITO_JOBS_TIMEOUT_SECONDS": "5"])
        let workers = [try await fleet.start(environment: environment), try await fleet.start(environment: environment)]
        let keys = (0..<600).map { "restart-\($0)" }
        try await Database.withRunning(url: appURL, logger: TestDatabases.logger) { app in
            try await WorkerFleet.enqueueProbes(app, tenant: tenant, keys: Array(keys[..<400]), sleepMs: 10)
        }
        try await Task.sleep(for: .milliseconds(300))
        try await cluster.run("stop", until: "stopped")
        try await Task.sleep(for: .seconds(1))
        try await cluster.run("start", until: "started on")
        // Before Database stopped sending statements to closed connections, a claim or completion could wait forever
        // on one (postgres-nio drops such a write with its promise), and a CI run ended with 8 of 600 jobs stuck.
        let (tally, left) = try await Database.withRunning(url: appURL, logger: TestDatabases.logger) { app in
            try await WorkerFleet.enqueueProbes(app, tenant: tenant, keys: Array(keys[400...]), sleepMs: 10)
            let tally = try await WorkerFleet.waitForAll(app, tenant: tenant, prefix: "restart-", expected: keys.count, timeout: .seconds(300))
            return (tally, tally.pendingJobs > 0 ? try await WorkerFleet.pendingJobs(app, tenant: tenant) : "")
        }
        for worker in workers { worker.send(SIGTERM) }
        for worker in workers { #expect(try await worker.waitForExit(timeout: .seconds(15)) != nil) }
        let said = workers.map { String($0.output.suffix(4000)) }.joined(separator: "\n----\n")
        #expect(tally.distinctEffects == keys.count, "every job had its effect after the restart; workers said:\n\(said)")
        #expect(tally.duplicateEffects == 0)
        #expect(tally.pendingJobs == 0, "jobs left:\n\(left)\nworkers said:\n\(said)")
    }
}
