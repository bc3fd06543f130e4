/// Why migrating or checking the schema failed.
public enum MigrationError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The build has no bundled migrations directory.
    case catalogMissing
    /// A file in the migrations directory is not named `NNNN_name.sql`.
    case badFileName(String)
    /// Two files share one version number.
    case duplicateVersion(Int)
    /// An applied migration's SQL differs from the bundled file of the same version.
    case checksumMismatch(version: Int, name: String)
    /// The database's schema is older than this build expects.
    case schemaBehind(database: Int, expected: Int)
    /// The database's schema is newer than this build knows.
    case schemaAhead(database: Int, expected: Int)

    public var description: String {
        switch self {
        case .catalogMissing:
            "the migrations directory is missing from this build"
        case .badFileName(let file):
            "migration file '\(file)' is not named NNNN_name.sql"
        case .duplicateVersion(let version):
            "two migration files share version \(version)"
        case .checksumMismatch(let version, let name):
            "migration \(version) (\(name)) was edited after it was applied; add a new migration instead"
        case .schemaBehind(let database, let expected):
            "database schema is at version \(database) but this build needs \(expected): run `glavito migrate` (make migrate)"
        case .schemaAhead(let database, let expected):
            "database schema is at version \(database), newer than this build's \(expected): deploy the newer build"
        }
    }
}
