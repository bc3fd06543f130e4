import Foundation
import GlavitoCore
import Hummingbird
import PostgresNIO

/// The tenant's branded landing page and branding stylesheet.
struct LandingController {
    let database: Database

    func addRoutes(to group: RouterGroup<TenantRequestContext>) {
        group.get("/") { _, context in
            let tenant = try await load(context)
            // The workspace's first enabled web chat widget, if any, is embedded on its own landing page.
            let webChat = try await database.withTenantTransaction(context.tenant.id) { connection -> UUID? in
                let rows = try await connection.checkedQuery("""
                    SELECT id FROM channel_accounts WHERE kind = 'webchat' AND enabled ORDER BY created_at, id LIMIT 1
                    """, logger: database.logger)
                for try await id in rows.decode(UUID.self) { return id }
                return nil
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/html; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(string: LandingPage.render(tenant: tenant, webChat: webChat)))
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
