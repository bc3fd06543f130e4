import GlavitoCore
import Hummingbird

/// The tenant's branded landing page and branding stylesheet.
struct LandingController {
    let database: Database

    func addRoutes(to group: RouterGroup<TenantRequestContext>) {
        group.get("/") { _, context in
            let tenant = try await load(context)
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: LandingPage.render(tenant: tenant)))
            )
        }
        group.get("/branding.css") { _, context in
            let tenant = try await load(context)
            return Response(
                status: .ok,
                headers: [.contentType: "text/css; charset=utf-8", .cacheControl: "public, max-age=60"],
                body: .init(byteBuffer: ByteBuffer(string: LandingPage.brandingStylesheet(tenant.branding)))
            )
        }
    }

    func load(_ context: TenantRequestContext) async throws -> Tenant {
        guard let tenant = try await TenantRepository(database: database, tenant: context.tenant.id).load() else {
            throw Problem(status: .notFound, type: "unknown-tenant", title: "No such workspace")
        }
        return tenant
    }
}
