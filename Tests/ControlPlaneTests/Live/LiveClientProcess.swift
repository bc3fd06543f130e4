import Foundation
import GlavitoTestSupport

/// `Tests/python/live_client.py` (the `websockets` package) run as a child process: one connection whose received
/// frames are read back as JSON lines.
struct LiveClientProcess {
    let process: ManagedProcess

    /// Starts a client against the control plane on `port` for the tenant host `host`.
    static func start(port: Int, host: String, cookie: String? = nil, bearer: String? = nil, origin: String? = nil,
                      topics: [String], after: String? = nil, count: Int, seconds: Double = 20, sse: Bool = false, batch: Bool = false) throws -> LiveClientProcess {
        let root = try TestEnvironment.repoRoot()
        var arguments = [root.appendingPathComponent("Tests/python/live_client.py").path,
                         "--port", "\(port)", "--host", host, "--topics", topics.joined(separator: ","),
                         "--count", "\(count)", "--seconds", "\(seconds)"]
        if let cookie { arguments += ["--cookie", cookie] }
        if let bearer { arguments += ["--bearer", bearer] }
        if let origin { arguments += ["--origin", origin] }
        if let after { arguments += ["--after", after] }
        if sse { arguments.append("--sse") }
        if batch { arguments.append("--batch") }
        return LiveClientProcess(process: try ManagedProcess(
            executable: root.appendingPathComponent(".venv/bin/python"), arguments: arguments,
            environment: ProcessInfo.processInfo.environment))
    }

    /// Waits until the server confirmed the subscription (or refused the connection).
    func waitSubscribed() async throws -> Bool {
        try await process.waitForOutput(containing: #""type": "subscribed""#)
    }

    /// Waits for the client to finish and returns every frame it printed.
    func frames(timeout: Duration = .seconds(30)) async throws -> [[String: Any]] {
        _ = try await process.waitForExit(timeout: timeout)
        return process.output.split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// The event frames among `frames`.
    static func events(_ frames: [[String: Any]]) -> [[String: Any]] {
        frames.filter { $0["type"] as? String == "event" }
    }

    /// The number of events in each `events` frame a batching client received (`--batch`).
    static func batchSizes(_ frames: [[String: Any]]) -> [Int] {
        frames.filter { $0["type"] as? String == "frame" }.compactMap { $0["events"] as? Int }
    }

    /// The `(stream, version)` of each event frame.
    static func versions(_ frames: [[String: Any]]) -> [String] {
        events(frames).map { frame in
            let event = frame["event"] as? [String: Any]
            return "\(event?["stream"] as? String ?? "?")#\(event?["version"] as? Int ?? -1)"
        }
    }
}
