import Foundation

/// Runs `Tests/python/crypto_peer.py` with the test virtualenv's Python (installed by `make test` from
/// Tests/requirements.txt): argon2-cffi, PyNaCl and pyotp as reference implementations.
public enum PythonPeer {
    /// What the peer printed and how it exited.
    public struct Result: Sendable {
        /// Exit status (0 success, 1 failed verification).
        public let status: Int32
        /// Standard output and error, trimmed.
        public let output: String
    }

    /// Runs `command` with `arguments` (of `Tests/python/<script>`, by default the crypto peer).
    public static func run(_ command: String, _ arguments: [String], script name: String = "crypto_peer.py") async throws -> Result {
        let (status, output) = try await ManagedProcess.run(
            executable: try python(), arguments: [try script(name).path, command] + arguments,
            environment: ProcessInfo.processInfo.environment
        )
        return Result(status: status, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The test virtualenv's Python.
    public static func python() throws -> URL {
        try TestEnvironment.repoRoot().appendingPathComponent(".venv/bin/python")
    }

    /// `Tests/python/<name>`.
    public static func script(_ name: String) throws -> URL {
        try TestEnvironment.repoRoot().appendingPathComponent("Tests/python/\(name)")
    }
}
