/// A problem in a tenant definition file, located by file, line and column.
public struct TenantDefinitionError: Error, CustomStringConvertible, Sendable, Equatable {
    /// The file's path as given.
    public let file: String
    /// The 1-based line, or 0 when unknown.
    public let line: Int
    /// The 1-based column, or 0 when unknown.
    public let column: Int
    /// What is wrong.
    public let message: String

    /// Creates an error.
    public init(file: String, line: Int, column: Int, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.message = message
    }

    public var description: String {
        line > 0 ? "\(file):\(line):\(column): \(message)" : "\(file): \(message)"
    }
}
