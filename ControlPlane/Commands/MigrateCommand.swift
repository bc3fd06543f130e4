import ArgumentParser
import GlavitoCore
import Logging

/// `glavito migrate`: applies pending migrations as the schema owner, under an advisory lock.
struct MigrateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "migrate", abstract: "Apply pending database migrations.")

    func run() async throws {
        let config = try CommandEnvironment.load()
        guard let owner = config.ownerDatabase else {
            throw CommandEnvironment.fail("configuration error: GLAVITO_OWNER_DATABASE_URL is required to migrate")
        }
        let logger = Logger(label: "glavito.migrate")
        let migrations = try MigrationCatalog.bundled()
        do {
            let applied = try await Database.withRunning(url: owner, logger: logger) { database in
                try await Migrator(database: database, migrations: migrations).migrate()
            }
            let version = migrations.last?.version ?? 0
            print(applied.isEmpty
                ? "schema is current at version \(version)"
                : "applied \(applied.count) migration(s): \(applied.map { "\($0.version)_\($0.name)" }.joined(separator: ", ")); schema at version \(version)")
        } catch let error as MigrationError {
            throw CommandEnvironment.fail(error.description)
        }
    }
}
