import Foundation

/// One numbered SQL migration, loaded from `Core/Database/Migrations/NNNN_name.sql`.
public struct Migration: Sendable, Equatable {
    /// The number that orders migrations; the schema version once applied.
    public let version: Int
    /// The file's name part after the number.
    public let name: String
    /// The SQL run, as one script, inside the migration transaction.
    public let sql: String

    /// A stable fingerprint of ``sql`` (FNV-1a 64), recorded so that an edited, already-applied migration is noticed.
    public var checksum: String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in sql.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    /// Creates a migration.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

/// The migrations shipped with this build.
public enum MigrationCatalog {
    /// Every bundled migration, ordered by version.
    public static func bundled() throws -> [Migration] {
        guard let directory = Bundle.module.url(forResource: "Migrations", withExtension: nil) else {
            throw MigrationError.catalogMissing
        }
        return try load(from: directory)
    }

    /// The schema version this build expects: the highest bundled migration.
    public static func expectedVersion() throws -> Int {
        try bundled().last?.version ?? 0
    }

    /// Loads `NNNN_name.sql` files from a directory.
    public static func load(from directory: URL) throws -> [Migration] {
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path)
        var migrations: [Migration] = []
        for file in files where file.hasSuffix(".sql") {
            let stem = file.dropLast(4)
            guard let underscore = stem.firstIndex(of: "_"), let version = Int(stem[..<underscore]), version > 0 else {
                throw MigrationError.badFileName(file)
            }
            let sql = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            migrations.append(Migration(version: version, name: String(stem[stem.index(after: underscore)...]), sql: sql))
        }
        migrations.sort { $0.version < $1.version }
        for (previous, next) in zip(migrations, migrations.dropFirst()) where previous.version == next.version {
            throw MigrationError.duplicateVersion(next.version)
        }
        return migrations
    }
}
