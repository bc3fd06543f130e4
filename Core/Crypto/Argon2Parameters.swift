/// Cost parameters of Argon2id password hashing.
///
/// The defaults are OWASP's recommendation for Argon2id (19 MiB of memory, two passes, one lane).
public struct Argon2Parameters: Sendable, Equatable, CustomStringConvertible {
    /// Memory per hash in KiB (`m`).
    public var memoryKiB: UInt32
    /// Number of passes over memory (`t`).
    public var iterations: UInt32
    /// Degree of parallelism (`p`).
    public var parallelism: UInt32

    /// OWASP's recommended parameters: m=19456 KiB, t=2, p=1.
    public static let owasp = Argon2Parameters(memoryKiB: 19_456, iterations: 2, parallelism: 1)

    /// Creates parameters.
    public init(memoryKiB: UInt32, iterations: UInt32, parallelism: UInt32) {
        self.memoryKiB = memoryKiB
        self.iterations = iterations
        self.parallelism = parallelism
    }

    public var description: String { "m=\(memoryKiB),t=\(iterations),p=\(parallelism)" }

    /// The parameters recorded in a PHC string such as `$argon2id$v=19$m=19456,t=2,p=1$salt$hash`, or `nil` when
    /// the string is not an Argon2id PHC string.
    public init?(phc: String) {
        let fields = phc.split(separator: "$", omittingEmptySubsequences: false)
        guard fields.count == 6, fields[0].isEmpty, fields[1] == "argon2id", fields[2] == "v=19" else { return nil }
        var values: [Substring: UInt32] = [:]
        for pair in fields[3].split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2, let number = UInt32(parts[1]) else { return nil }
            values[parts[0]] = number
        }
        guard let m = values["m"], let t = values["t"], let p = values["p"] else { return nil }
        self.init(memoryKiB: m, iterations: t, parallelism: p)
    }
}
