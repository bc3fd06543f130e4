/// A configuration value that is missing or malformed; the message names the key.
public struct ConfigError: Error, CustomStringConvertible, Sendable {
    /// The environment variable at fault.
    public let key: String
    /// What is wrong with it, in words an operator can act on.
    public let problem: String

    /// Creates an error for `key`.
    public init(key: String, problem: String) {
        self.key = key
        self.problem = problem
    }

    public var description: String { "configuration error: \(key) \(problem)" }
}
