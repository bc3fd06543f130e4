import GlavitoCore
import Hummingbird

/// The context of a route that only exists within a tenant. Its throwing init refuses a request whose host
/// names no tenant, so a handler under it always has a tenant and cannot forget to check.
struct TenantRequestContext: ChildRequestContext {
    var coreContext: CoreRequestContextStorage
    /// The tenant the request is for.
    let tenant: ResolvedTenant
    /// Who is asking, when signed in or using an API key.
    let principal: Principal?
    /// The client's IP address, when known.
    let clientAddress: String?

    init(context: GlavitoRequestContext) throws {
        guard let tenant = context.tenant else {
            throw Problem(
                status: .notFound, type: "unknown-tenant", title: "No such workspace",
                detail: "No Glavito workspace is served at this address. Check the address, or ask your administrator for your workspace's link."
            )
        }
        guard tenant.status == .active else {
            throw Problem(
                status: .forbidden, type: "tenant-suspended", title: "Workspace suspended",
                detail: "This workspace is suspended. Its owner can contact the platform operator to restore it."
            )
        }
        self.coreContext = context.coreContext
        self.tenant = tenant
        self.principal = context.principal
        self.clientAddress = context.clientAddress
    }
}
