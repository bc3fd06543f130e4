import Foundation
import Hummingbird

/// An RFC 9457 problem: the one error type that leaves the control plane.
///
/// `type` is a stable slug (served as `https://glavito.dev/problems/<slug>`); `title` and `detail` are safe to show.
/// Database and internal error text never goes into a problem.
struct Problem: Error, HTTPResponseError, Sendable {
    let status: HTTPResponse.Status
    let type: String
    let title: String
    let detail: String?
    var extraHeaders: HTTPFields = [:]

    init(status: HTTPResponse.Status, type: String, title: String, detail: String? = nil) {
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
    }

    var typeURI: String { "https://glavito.dev/problems/\(type)" }

    var headers: HTTPFields { extraHeaders }

    func body(instance: String?) -> ByteBuffer {
        var object: [String: Any] = ["type": typeURI, "title": title, "status": Int(status.code)]
        if let detail { object["detail"] = detail }
        if let instance { object["instance"] = instance }
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data()
        return ByteBuffer(bytes: data)
    }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        var headers = extraHeaders
        headers[.contentType] = "application/problem+json"
        return Response(status: status, headers: headers, body: .init(byteBuffer: body(instance: request.uri.path)))
    }

    static func internalError() -> Problem {
        Problem(status: .internalServerError, type: "internal", title: "Something went wrong on our side",
                detail: "The error was logged with this request's id. Try again; if it persists, contact support.")
    }
}
