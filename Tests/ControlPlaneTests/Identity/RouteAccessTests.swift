import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing
@testable import ControlPlane

@Suite("Every route declares its permission")
struct RouteAccessTests {
    @Test("the router has no route without a declared access requirement")
    func everyRouteDeclared() async throws {
        try await TestSite.with { _, _, catalog, routes in
            #expect(routes.count > 20)
            let undeclared = routes.filter { catalog.access($0.method, $0.path) == nil }.map(\.description)
            #expect(undeclared.isEmpty, "routes without a declared permission: \(undeclared)")
            #expect(catalog.access(.get, "/admin/users") == .permission(.adminUsers))
            #expect(catalog.access(.get, "/admin/audit") == .permission(.auditRead))
        }
    }

    /// Expected status of a GET by each built-in role: owner, admin, supervisor, agent, viewer.
    static let table: [(path: String, statuses: [Int])] = [
        ("/account", [200, 200, 200, 200, 200]),
        ("/admin/users", [200, 200, 403, 403, 403]),
        ("/admin/roles", [200, 200, 403, 403, 403]),
        ("/admin/api-keys", [200, 200, 403, 403, 403]),
        ("/admin/audit", [200, 200, 403, 403, 403]),
        ("/api/v1/users", [200, 200, 403, 403, 403]),
        ("/api/v1/audit", [200, 200, 403, 403, 403]),
        ("/api/v1/me", [200, 200, 200, 200, 200]),
        ("/app", [200, 200, 200, 200, 200]),
        ("/api/v1/workspace/counts", [200, 200, 200, 200, 200]),
        ("/api/v1/workspace/agents", [200, 200, 200, 200, 200]),
        ("/admin/fields", [200, 200, 403, 403, 403]),
        ("/admin/canned-responses", [200, 200, 403, 403, 403]),
        ("/admin/branding", [200, 200, 403, 403, 403]),
        ("/admin/teams", [200, 200, 403, 403, 403]),
        ("/api/v1/teams", [200, 200, 200, 200, 200]),
    ]

    @Test("each built-in role against a table of routes, and a custom role")
    func builtInRoles() async throws {
        try await TestSite.with { dbs, site, _, _ in
            let roles = ["owner", "admin", "supervisor", "agent", "viewer"]
            var tokens: [String] = []
            for role in roles {
                try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "\(role)@example.com", password: "sequoia-lantern-\(role)-9", role: role)
                tokens.append(try #require(try await site.signIn("\(role)@example.com", "sequoia-lantern-\(role)-9")))
            }
            for (path, statuses) in Self.table {
                for (index, token) in tokens.enumerated() {
                    let reply = try await site.send(.GET, path, token: token, accept: path.hasPrefix("/api/") ? "application/json" : "text/html")
                    #expect(reply.status == statuses[index], "\(roles[index]) GET \(path)")
                }
            }
            // Signed out: pages redirect to the sign-in page, the API answers 401.
            #expect(try await site.send(.GET, "/admin/users").status == 303)
            #expect(try await site.send(.GET, "/api/v1/users", accept: "application/json").status == 401)

            _ = try await dbs.app.withTenantTransaction(site.tenant) { connection in
                try await RoleRepository(tenant: site.tenant).upsert(Role(key: "auditor", name: "Auditor", permissions: [.auditRead], dataScope: .all),
                                                                     on: connection, logger: dbs.app.logger)
            }
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "aud@example.com", password: "sequoia-lantern-aud-9", role: "auditor")
            let auditor = try #require(try await site.signIn("aud@example.com", "sequoia-lantern-aud-9"))
            #expect(try await site.send(.GET, "/admin/audit", token: auditor).status == 200)
            #expect(try await site.send(.GET, "/admin/users", token: auditor).status == 403)
            let workspace = try await site.send(.GET, "/app", token: auditor)
            #expect(workspace.status == 303 && workspace.header("Location") == "/account", "without tickets.read the workspace sends to the account page")
        }
    }

    @Test("API keys authenticate by bearer token within their scopes, and stop working when revoked")
    func apiKeys() async throws {
        try await TestSite.with { dbs, site, _, _ in
            let logger = dbs.app.logger
            let key = try await dbs.app.withTenantTransaction(site.tenant) { connection in
                try await APIKeyStore(tenant: site.tenant).create(name: "crm", scopes: [.auditRead], expiresAt: nil, createdBy: nil, on: connection, logger: logger)
            }
            let bearer = [("Authorization", "Bearer \(key.key)")]
            #expect(try await site.send(.GET, "/api/v1/audit", headers: bearer, accept: "application/json").status == 200)
            #expect(try await site.send(.GET, "/api/v1/users", headers: bearer, accept: "application/json").status == 403)
            let wrong = try await site.send(.GET, "/api/v1/audit", headers: [("Authorization", "Bearer \(key.key)x")], accept: "application/json")
            #expect(wrong.status == 401)
            #expect(wrong.header("Content-Type") == "application/problem+json")
            try await dbs.app.withTenantTransaction(site.tenant) { connection in
                _ = try await APIKeyStore(tenant: site.tenant).revoke(key.id, on: connection, logger: logger)
            }
            #expect(try await site.send(.GET, "/api/v1/audit", headers: bearer, accept: "application/json").status == 401)
        }
    }
}
