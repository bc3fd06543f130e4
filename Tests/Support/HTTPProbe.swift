import Foundation

/// Plain HTTP requests to a server a test started, through curl, so a test can set any Host header the way a
/// browser or load balancer would.
public enum HTTPProbe {
    /// A response: status, headers (lowercased names) and body.
    public struct Response: Sendable {
        public let status: Int
        public let headers: [String: String]
        public let body: String
    }

    /// Sends a GET to `http://127.0.0.1:<port><path>` with `host` as the Host header.
    public static func get(port: Int, path: String, host: String? = nil, headers: [String: String] = [:]) async throws -> Response {
        var arguments = ["-s", "-i", "--max-time", "10"]
        if let host { arguments += ["-H", "Host: \(host)"] }
        for (name, value) in headers { arguments += ["-H", "\(name): \(value)"] }
        arguments.append("http://127.0.0.1:\(port)\(path)")
        let result = try await ManagedProcess.run(
            executable: URL(fileURLWithPath: "/usr/bin/curl"), arguments: arguments, environment: [:], timeout: .seconds(15)
        )
        return try parse(result.output)
    }

    struct Malformed: Error {}

    static func parse(_ raw: String) throws -> Response {
        guard let split = raw.range(of: "\r\n\r\n") else { throw Malformed() }
        let head = raw[..<split.lowerBound].components(separatedBy: "\r\n")
        guard let statusLine = head.first, statusLine.split(separator: " ").count >= 2,
              let status = Int(statusLine.split(separator: " ")[1]) else { throw Malformed() }
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Response(status: status, headers: headers, body: String(raw[split.upperBound...]))
    }

    /// Polls `/healthz` until the server answers or `timeout` passes.
    public static func waitUntilUp(port: Int, timeout: Duration = .seconds(90)) async throws -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let response = try? await get(port: port, path: "/healthz"), response.status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }
}
