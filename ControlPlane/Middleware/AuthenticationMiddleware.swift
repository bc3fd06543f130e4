import GlavitoCore
import Hummingbird

/// Identifies the caller of a tenant request from the session cookie or an `Authorization: Bearer` API key and
/// stores the principal in the context. Responses to authenticated requests are marked `Cache-Control: no-store`.
/// An unknown or expired credential is not an error here: routes decide what they require (``Access``).
struct AuthenticationMiddleware: RouterMiddleware {
    typealias Context = GlavitoRequestContext
    let identity: IdentityService
    let cookie: SessionCookie

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let tenant = context.tenant else { return try await next(request, context) }
        var context = context
        let logger = identity.database.logger
        if let authorization = request.headers[.authorization], authorization.lowercased().hasPrefix("bearer ") {
            let key = String(authorization.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            context.principal = try await identity.database.withTenantTransaction(tenant.id) { connection in
                try await APIKeyStore(tenant: tenant.id).authenticate(key, on: connection, logger: logger)
            }
            guard context.principal != nil else {
                var problem = Problem(status: .unauthorized, type: "invalid-api-key", title: "Invalid API key",
                                      detail: "The API key is unknown, revoked or expired.")
                problem.extraHeaders[.wwwAuthenticate] = "Bearer"
                throw problem
            }
        } else if let token = cookie.token(in: request) {
            context.principal = try await identity.database.withTenantTransaction(tenant.id) { connection in
                try await identity.sessions.authenticate(tenant: tenant.id, token: token, on: connection, logger: logger)
            }
        }
        if let principal = context.principal {
            context.logger[metadataKey: "glavito.principal"] = .string(principal.userID?.description ?? principal.roleKey)
        }
        var response = try await next(request, context)
        if context.principal != nil || cookie.token(in: request) != nil {
            response.headers[.cacheControl] = "no-store"
        }
        return response
    }
}
