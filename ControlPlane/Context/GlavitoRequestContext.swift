import GlavitoCore
import Hummingbird

/// The tenant a request's host resolved to.
struct ResolvedTenant: Sendable {
    let id: TenantID
    let slug: String
    let status: Tenant.Status
}

/// The request context of every request: core storage plus the tenant resolved from the Host header, if any.
struct GlavitoRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by ``TenantResolutionMiddleware`` when the host names a tenant.
    var tenant: ResolvedTenant?
    /// Set by ``AuthenticationMiddleware`` when the request carries a valid session cookie or API key.
    var principal: Principal?
    /// The client's IP address, when the transport knows it.
    let clientAddress: String?

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.tenant = nil
        self.principal = nil
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
