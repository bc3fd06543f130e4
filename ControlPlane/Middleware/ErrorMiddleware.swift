import Hummingbird
import Logging

/// Turns every error into an RFC 9457 problem (`application/problem+json`) or, for a browser asking for a page,
/// an HTML error page carrying the same title and detail. Unexpected errors are logged and never described.
struct ErrorMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let problem = Self.problem(for: error, context: context)
            if Self.wantsHTML(request) {
                var headers = problem.extraHeaders
                headers[.contentType] = "text/html; charset=utf-8"
                let page = ErrorPage.render(status: Int(problem.status.code), title: problem.title, detail: problem.detail ?? "")
                return Response(status: problem.status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: page)))
            }
            return try problem.response(from: request, context: context)
        }
    }

    static func problem(for error: any Error, context: Context) -> Problem {
        switch error {
        case let problem as Problem:
            return problem
        case let http as HTTPError:
            return Problem(status: http.status, type: "http-\(http.status.code)", title: http.status.reasonPhrase, detail: http.body)
        default:
            context.logger.error("unhandled error", metadata: ["glavito.error": "\(String(reflecting: error))"])
            return .internalError()
        }
    }

    static func wantsHTML(_ request: Request) -> Bool {
        if request.uri.path.hasPrefix("/api/") || request.uri.path.hasPrefix("/webhooks/") { return false }
        return request.headers[.accept]?.contains("text/html") ?? false
    }
}
