import Logging
import PostgresNIO

/// Applies migrations and checks the schema version.
///
/// `migrate()` runs every pending migration in one transaction holding an advisory lock, so two concurrent
/// `glavito migrate` runs serialise and the second finds nothing to do. Applied versions, names and checksums
/// are recorded in `schema_migrations`.
public struct Migrator: Sendable {
    /// The advisory lock key migrations hold ("glavito" in ASCII).
    static let lockKey: Int64 = 0x676c_6176_6974_6f

    let database: Database
    let migrations: [Migration]

    /// Creates a migrator that connects as the schema owner.
    public init(database: Database, migrations: [Migration]) {
        self.database = database
        self.migrations = migrations
    }

    /// Applies pending migrations and returns those applied, in order.
    @discardableResult
    public func migrate() async throws -> [Migration] {
        let migrations = self.migrations
        let logger = database.logger
        return try await database.withTransaction { connection in
            try await connection.checkedQuery("SELECT pg_advisory_xact_lock(\(Self.lockKey))", logger: logger)
            try await connection.checkedQuery("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     integer PRIMARY KEY,
                    name        text NOT NULL,
                    checksum    text NOT NULL,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """, logger: logger)
            var applied: [Int: String] = [:]
            let rows = try await connection.checkedQuery("SELECT version, checksum FROM schema_migrations", logger: logger)
            for try await (version, checksum) in rows.decode((Int, String).self) {
                applied[version] = checksum
            }
            var done: [Migration] = []
            for migration in migrations {
                if let checksum = applied[migration.version] {
                    guard checksum == migration.checksum else {
                        throw MigrationError.checksumMismatch(version: migration.version, name: migration.name)
                    }
                    continue
                }
                logger.info("applying migration", metadata: ["glavito.migration": "\(migration.version)_\(migration.name)"])
                for statement in SQLScript.statements(migration.sql) {
                    // Migration files are part of the build, never user input: they are the one place where SQL
                    // text is run without binds.
                    try await connection.checkedQuery(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try await connection.checkedQuery("""
                    INSERT INTO schema_migrations (version, name, checksum)
                    VALUES (\(migration.version), \(migration.name), \(migration.checksum))
                    """, logger: logger)
                done.append(migration)
            }
            return done
        }
    }

    /// The highest applied version, or 0 on an empty database.
    public static func currentVersion(of database: Database) async throws -> Int {
        try await database.withConnection { connection in
            let exists = try await connection.checkedQuery(
                "SELECT to_regclass('public.schema_migrations') IS NOT NULL", logger: database.logger
            )
            for try await present in exists.decode(Bool.self) where !present { return 0 }
            let rows = try await connection.checkedQuery(
                "SELECT coalesce(max(version), 0) FROM schema_migrations", logger: database.logger
            )
            for try await version in rows.decode(Int.self) { return version }
            return 0
        }
    }

    /// Throws unless the database's schema version is exactly `expected`.
    public static func checkSchema(of database: Database, expected: Int) async throws {
        let current = try await currentVersion(of: database)
        if current < expected { throw MigrationError.schemaBehind(database: current, expected: expected) }
        if current > expected { throw MigrationError.schemaAhead(database: current, expected: expected) }
    }
}
