import AsyncHTTPClient
import Foundation
import GlavitoCore
import NIOCore
import NIOHTTP1

/// Talks to Meta's Graph API (or the fake in tests): JSON requests with a bearer token, answers classified the way
/// Meta documents its errors.
struct GraphAPIClient: Sendable {
    let client: HTTPClient
    /// Time limit of one request.
    var timeout: TimeAmount = .seconds(30)
    /// Time limit of one upload (up to 100 MB).
    var uploadTimeout: TimeAmount = .seconds(300)

    /// An answer: the HTTP status and the body.
    struct Answer: Sendable {
        let status: Int
        let body: [UInt8]

        var json: [String: Any] { ((try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any]) ?? [:] }
        var ok: Bool { (200..<300).contains(status) }

        /// Meta's `error` object, if any.
        var error: GraphError? {
            guard !ok else { return nil }
            let error = json["error"] as? [String: Any] ?? [:]
            let data = error["error_data"] as? [String: Any]
            return GraphError(status: status, code: error["code"] as? Int, subcode: error["error_subcode"] as? Int,
                              message: error["message"] as? String ?? "HTTP \(status)",
                              details: data?["details"] as? String ?? "")
        }
    }

    /// A refusal by the Graph API.
    struct GraphError: Error, Sendable, CustomStringConvertible {
        let status: Int
        let code: Int?
        let subcode: Int?
        let message: String
        let details: String

        /// Rate limits, throttling and Meta's own transient errors: retrying later can succeed.
        var retryable: Bool {
            if status == 429 || status >= 500 { return true }
            return [1, 2, 4, 17, 32, 613, 80007, 130429, 131000, 131016, 131048, 131056, 133004].contains(code ?? -1)
        }

        var description: String { "\(message)\(details.isEmpty ? "" : ": \(details)") (HTTP \(status), code \(code.map(String.init) ?? "-"))" }
    }

    /// A `multipart/form-data` POST (WhatsApp's media upload): text `fields` in order, then the `file` part with
    /// its name and type. Large files get the longer `uploadTimeout`.
    func upload(_ url: String, token: String?, fields: [(String, String)], file: [UInt8], filename: String, contentType: String) async throws -> Answer {
        let boundary = "glavito-\(UUID().uuidString)"
        var body = ByteBuffer()
        for (name, value) in fields {
            body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n")
        }
        let safeName = String(filename.map { $0 == "\"" || $0 == "\\" || $0.isNewline ? "_" : $0 })
        body.writeString("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(safeName)\"\r\n")
        body.writeString("Content-Type: \(contentType)\r\n\r\n")
        body.writeBytes(file)
        body.writeString("\r\n--\(boundary)--\r\n")
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "User-Agent", value: "Glavito/1")
        request.headers.add(name: "Content-Type", value: "multipart/form-data; boundary=\(boundary)")
        request.body = .bytes(body)
        let response = try await client.execute(request, timeout: uploadTimeout)
        let answer = try await response.body.collect(upTo: 1 << 20)
        return Answer(status: Int(response.status.code), body: Array(buffer: answer))
    }

    func send(_ method: HTTPMethod, _ url: String, token: String?, json: Any? = nil, limit: Int = 1 << 20) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        request.headers.add(name: "User-Agent", value: "Glavito/1")
        if let json {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: json, options: [.sortedKeys])))
        }
        let response = try await client.execute(request, timeout: timeout)
        let body = try await response.body.collect(upTo: limit)
        return Answer(status: Int(response.status.code), body: Array(buffer: body))
    }
}
