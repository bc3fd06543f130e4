import GlavitoCore
import Hummingbird

/// What a secured handler receives besides the request: the caller and, for state-changing requests, the body
/// (already read) and its form fields.
struct RouteInput: Sendable {
    /// The caller, if authenticated.
    let principal: Principal?
    /// Form fields of an `application/x-www-form-urlencoded` body.
    let form: [String: String]
    /// The raw body of a state-changing request.
    let body: ByteBuffer

    /// The signed-in principal; the route's ``Access`` guarantees one exists unless the route is public.
    func requirePrincipal() throws -> Principal {
        guard let principal else { throw Problem(status: .unauthorized, type: "unauthenticated", title: "Sign in required") }
        return principal
    }
}

/// Registers tenant routes that each declare their ``Access``: the requirement is checked before the handler runs,
/// CSRF is checked on state-changing requests, and the declaration is recorded in the ``RouteAccessCatalog``.
struct SecuredRoutes {
    typealias Handler = @Sendable (Request, TenantRequestContext, RouteInput) async throws -> Response

    let group: RouterGroup<TenantRequestContext>
    let catalog: RouteAccessCatalog
    /// The largest body accepted by these routes, unless a route names its own (a reply with files).
    static let maximumBodyBytes = 256 * 1024

    func get(_ path: String, _ access: Access, _ handler: @escaping Handler) { on(path, .get, access, handler) }
    func post(_ path: String, _ access: Access, maximumBody: Int = maximumBodyBytes, _ handler: @escaping Handler) {
        on(path, .post, access, maximumBody: maximumBody, handler)
    }
    func delete(_ path: String, _ access: Access, _ handler: @escaping Handler) { on(path, .delete, access, handler) }

    func on(_ path: String, _ method: HTTPRequest.Method, _ access: Access, maximumBody: Int = maximumBodyBytes, _ handler: @escaping Handler) {
        catalog.declare(access, method, RouterPath(path).description)
        group.on(RouterPath(path), method: method) { request, context in
            do {
                try access.check(context.principal)
            } catch let problem as Problem where method == .get && Self.wantsPage(request) {
                if problem.type == "sign-in-incomplete" { return Redirect.to("/login/mfa") }
                if problem.status == .unauthorized { return Redirect.to("/login") }
                throw problem
            }
            var request = request
            var body = ByteBuffer()
            var form: [String: String] = [:]
            if method != .get && method != .head {
                body = try await request.collectBody(upTo: maximumBody)
                if request.headers[.contentType]?.lowercased().hasPrefix("application/x-www-form-urlencoded") == true {
                    form = FormDecoding.fields(String(buffer: body))
                }
                try CSRFGuard.check(request: request, principal: context.principal, form: form)
            }
            return try await handler(request, context, RouteInput(principal: context.principal, form: form, body: body))
        }
    }

    static func wantsPage(_ request: Request) -> Bool {
        !request.uri.path.hasPrefix("/api/") && (request.headers[.accept]?.contains("text/html") ?? false)
    }
}

/// Helpers for redirect responses.
enum Redirect {
    /// A 303 See Other to `location` (a local path).
    static func to(_ location: String, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.location] = location
        return Response(status: .seeOther, headers: headers)
    }
}
