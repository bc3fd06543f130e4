import GlavitoCore
import Hummingbird
import HummingbirdWebSocket

/// The tenant a request's host resolved to.
struct ResolvedTenant: Sendable {
    let id: TenantID
    let slug: String
    let status: Tenant.Status
}

/// The request context of every request: core storage plus the tenant resolved from the Host header, if any.
struct GlavitoRequestContext: RequestContext, WebSocketRequestContext {
    var coreContext: CoreRequestContextStorage
    /// Set by ``TenantResolutionMiddleware`` when the host names a tenant.
    var tenant: ResolvedTenant?
    /// Set by ``AuthenticationMiddleware`` when the request carries a valid session cookie or API key.
    var principal: Principal?
    /// The client's IP address, when the transport knows it.
    let clientAddress: String?
    /// The WebSocket handler chosen by the WebSocket router's upgrade route (see ``LiveController``).
    let webSocket = WebSocketHandlerReference<Self>()

    init(source: ApplicationRequestContextSource) {
        self.coreContext = .init(source: source)
        self.tenant = nil
        self.principal = nil
        self.clientAddress = source.channel.remoteAddress?.ipAddress
    }
}
