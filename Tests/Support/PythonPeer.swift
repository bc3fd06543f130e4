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

    /// Runs `command` with `arguments`.
    public static func run(_ command: String, _ arguments: [String]) async throws -> Result {
        let root = try TestEnvironment.repoRoot()
        let python = root.appendingPathComponent(".venv/bin/python")
        let script = root.appendingPathComponent("Tests/python/crypto_peer.py")
        let (status, output) = try await ManagedProcess.run(
            executable: python, arguments: [script.path, command] + arguments, environment: ProcessInfo.processInfo.environment
        )
        return Result(status: status, output: output.trimmingCharacters(in: .whitespacesAndNewlines))
    }
}
