import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Migrations")
struct MigratorTests {
    /// One test, because it walks a scratch database through its whole life in order.
    @Test("migrating is serialised, idempotent, checksum-guarded, and the version check refuses a mismatch")
    func lifecycle() async throws {
        let scratch = try TestEnvironment.databaseURL("GLAVITO_TEST_SCRATCH_DATABASE_URL")
        let migrations = try MigrationCatalog.bundled()
        let latest = try #require(migrations.last).version
        try await Database.withRunning(url: scratch, poolSize: 4, logger: TestDatabases.logger) { database in
            #expect(try await Migrator.currentVersion(of: database) == 0)
            await #expect(throws: MigrationError.schemaBehind(database: 0, expected: latest)) {
                try await Migrator.checkSchema(of: database, expected: latest)
            }

            // Two migrators at once: the advisory lock makes one apply everything and the other nothing.
            async let first = Migrator(database: database, migrations: migrations).migrate()
            async let second = Migrator(database: database, migrations: migrations).migrate()
            let applied = try await [first, second].map(\.count).sorted()
            #expect(applied == [0, migrations.count])

            #expect(try await Migrator(database: database, migrations: migrations).migrate().isEmpty)
            try await Migrator.checkSchema(of: database, expected: latest)
            await #expect(throws: MigrationError.schemaBehind(database: latest, expected: latest + 1)) {
                try await Migrator.checkSchema(of: database, expected: latest + 1)
            }
            await #expect(throws: MigrationError.schemaAhead(database: latest, expected: latest - 1)) {
                try await Migrator.checkSchema(of: database, expected: latest - 1)
            }

            // An applied migration edited afterwards is refused, and a new one after it is not applied either.
            var edited = migrations
            edited[0] = Migration(version: edited[0].version, name: edited[0].name, sql: edited[0].sql + "\n-- edited\n")
            edited.append(Migration(version: latest + 1, name: "later", sql: "CREATE TABLE never_created (id int)"))
            await #expect(throws: MigrationError.checksumMismatch(version: edited[0].version, name: edited[0].name)) {
                try await Migrator(database: database, migrations: edited).migrate()
            }
            #expect(try await Migrator.currentVersion(of: database) == latest)

            // A failing migration rolls back whole: no half-applied schema, no version recorded.
            let broken = migrations + [Migration(version: latest + 1, name: "broken", sql: """
                CREATE TABLE half_done (id int);
                SELECT no_such_function();
                """)]
            await #expect(throws: (any Error).self) {
                try await Migrator(database: database, migrations: broken).migrate()
            }
            #expect(try await Migrator.currentVersion(of: database) == latest)
            let halfDone = try await database.withConnection { connection in
                let rows = try await connection.query("SELECT to_regclass('public.half_done') IS NOT NULL", logger: TestDatabases.logger)
                var exists = true
                for try await value in rows.decode(Bool.self) { exists = value }
                return exists
            }
            #expect(!halfDone)
        }
    }
}
