import GlavitoCore
import Hummingbird

/// Resolves the tenant from the Host header (`<slug>.<base domain>` or a custom domain) and stores it in the context.
/// Operational endpoints and static assets are served on any host and skip the lookup.
struct TenantResolutionMiddleware: RouterMiddleware {
    typealias Context = GlavitoRequestContext
    let resolver: TenantResolver

    static let hostFreePrefixes = ["/healthz", "/readyz", "/metrics", "/static/", "/webhooks/"]

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        guard !Self.hostFreePrefixes.contains(where: { path.hasPrefix($0) }),
              let host = request.head.authority else {
            return try await next(request, context)
        }
        var context = context
        if let found = try await resolver.resolve(host: host) {
            context.tenant = ResolvedTenant(id: found.id, slug: found.slug, status: found.status)
            context.logger[metadataKey: "glavito.tenant"] = .string(found.slug)
        }
        return try await next(request, context)
    }
}
