import Foundation
import GlavitoTestSupport

/// A local HTTP receiver (`Tests/python/webhook_peer.py receive`) that answers 500 to its first requests, then
/// verifies every request with the Standard Webhooks reference library and logs it.
struct WebhookReceiver {
    struct Received: Decodable, Sendable {
        let n: Int
        let status: Int
        let id: String?
        let timestamp: String?
        let verified: Bool
        let body: String

        /// The body's `data` object.
        var data: [String: Any] {
            let object = (try? JSONSerialization.jsonObject(with: Data(body.utf8))) as? [String: Any]
            return object?["data"] as? [String: Any] ?? [:]
        }
    }

    let process: ManagedProcess
    let port: Int
    let secretFile: URL
    let logFile: URL

    var url: String { "http://127.0.0.1:\(port)/hooks/glavito" }

    static func start(failFirst: Int, delayMilliseconds: Int = 0) async throws -> WebhookReceiver {
        let directory = FileManager.default.temporaryDirectory
        let secretFile = directory.appendingPathComponent("glavito-hook-secret-\(UUID().uuidString)")
        let logFile = directory.appendingPathComponent("glavito-hook-log-\(UUID().uuidString).jsonl")
        FileManager.default.createFile(atPath: secretFile.path, contents: nil)
        FileManager.default.createFile(atPath: logFile.path, contents: nil)
        let process = try ManagedProcess(
            executable: try PythonPeer.python(),
            arguments: [try PythonPeer.script("webhook_peer.py").path, "receive", secretFile.path, logFile.path, String(failFirst),
                        String(delayMilliseconds)],
            environment: ProcessInfo.processInfo.environment
        )
        guard try await process.waitForOutput(containing: "port ", timeout: .seconds(20)),
              let match = process.output.firstMatch(of: /port (\d+)/), let port = Int(match.1) else {
            throw ReceiverError(description: "the receiver did not start: \(process.output)")
        }
        return WebhookReceiver(process: process, port: port, secretFile: secretFile, logFile: logFile)
    }

    struct ReceiverError: Error, CustomStringConvertible {
        let description: String
    }

    func setSecret(_ secret: String) throws {
        try secret.write(to: secretFile, atomically: true, encoding: .utf8)
    }

    /// Every request so far, in arrival order.
    func received() throws -> [Received] {
        let text = (try? String(contentsOf: logFile, encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").map { try JSONDecoder().decode(Received.self, from: Data($0.utf8)) }.sorted { $0.n < $1.n }
    }

    /// Polls until `done` holds for the requests received, or the timeout.
    func wait(timeout: Duration, until done: ([Received]) -> Bool) async throws -> [Received] {
        let deadline = ContinuousClock.now + timeout
        var requests = try received()
        while !done(requests), ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
            requests = try received()
        }
        return requests
    }

    func stop() {
        process.send(SIGKILL)
        try? FileManager.default.removeItem(at: secretFile)
        try? FileManager.default.removeItem(at: logFile)
    }
}
