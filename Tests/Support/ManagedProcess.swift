import Foundation
import Synchronization

/// A child process of a test (`glavito`, `glavito-worker`) whose combined output goes to a temporary file that the
/// test can wait on, and which can be signalled and awaited with time limits.
public final class ManagedProcess: Sendable {
    let process: Process
    /// The file receiving standard output and standard error.
    public let outputURL: URL

    /// Starts `executable` with `arguments` and `environment`.
    public init(executable: URL, arguments: [String], environment: [String: String]) throws {
        let process = Process()
        process.executableURL = executable
        process.arguments = arguments
        process.environment = environment
        let output = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-test-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: output.path, contents: nil)
        let handle = try FileHandle(forWritingTo: output)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        self.process = process
        self.outputURL = output
    }

    deinit {
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        try? FileManager.default.removeItem(at: outputURL)
    }

    /// The process id.
    public var pid: Int32 { process.processIdentifier }

    /// Everything the process wrote so far.
    public var output: String {
        (try? String(contentsOf: outputURL, encoding: .utf8)) ?? ""
    }

    /// Waits until the output contains `text`; returns false on timeout or when the process exits first.
    public func waitForOutput(containing text: String, timeout: Duration = .seconds(60)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            try await Task.sleep(for: .milliseconds(25))
        }
        return false
    }

    /// Sends `signal` to the process.
    public func send(_ signal: Int32) {
        kill(process.processIdentifier, signal)
    }

    /// Waits for the process to exit and returns its status, or `nil` if it still runs after `timeout`.
    public func waitForExit(timeout: Duration = .seconds(60)) async throws -> Int32? {
        let deadline = ContinuousClock.now + timeout
        while process.isRunning {
            if ContinuousClock.now >= deadline { return nil }
            try await Task.sleep(for: .milliseconds(25))
        }
        return process.terminationStatus
    }

    /// Runs a command to completion and returns its exit status and combined output; status -1 when it was killed
    /// after `timeout`. The timeout catches hangs and is generous on purpose: CI machines can be slow and loaded.
    public static func run(
        executable: URL, arguments: [String], environment: [String: String], timeout: Duration = .seconds(300)
    ) async throws -> (status: Int32, output: String) {
        let child = try ManagedProcess(executable: executable, arguments: arguments, environment: environment)
        guard let status = try await child.waitForExit(timeout: timeout) else {
            child.send(SIGKILL)
            return (-1, child.output)
        }
        return (status, child.output)
    }

    /// A TCP port on 127.0.0.1 that was free a moment ago.
    public static func freePort() throws -> Int {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketFD) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(socketFD, pointer, length) == 0 && getsockname(socketFD, pointer, &length) == 0
            }
        }
        guard bound else { throw POSIXError(.EADDRINUSE) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
