import HTTPTypes
import GlavitoCore
import Hummingbird

/// Rate limits `/api/` requests per API key, session or client address, with `RateLimit-*` headers on every
/// API response and a 429 problem with `Retry-After` over the limit.
struct RateLimitMiddleware: RouterMiddleware {
    typealias Context = GlavitoRequestContext
    let limiter: RateLimiter

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard request.uri.path.hasPrefix("/api/") else { return try await next(request, context) }
        let key: String
        switch context.principal?.credential {
        case .apiKey(let id): key = "key:\(id)"
        case .session(let id, _, _): key = "session:\(id)"
        case nil: key = "address:\(context.clientAddress ?? "unknown")"
        }
        let decision = limiter.take(key)
        var headers = HTTPFields()
        headers[HTTPField.Name("RateLimit-Limit")!] = String(decision.limit)
        headers[HTTPField.Name("RateLimit-Remaining")!] = String(decision.remaining)
        headers[HTTPField.Name("RateLimit-Reset")!] = String(decision.resetSeconds)
        headers[HTTPField.Name("RateLimit-Policy")!] = "\(decision.limit);w=60"
        guard decision.allowed else {
            var problem = Problem(status: .tooManyRequests, type: "rate-limited", title: "Too many requests",
                                  detail: "This client sent more than \(decision.limit) requests in a minute. Retry after \(decision.resetSeconds) seconds.")
            headers[.retryAfter] = String(decision.resetSeconds)
            problem.extraHeaders = headers
            throw problem
        }
        var response = try await next(request, context)
        response.headers.append(contentsOf: headers)
        return response
    }
}
