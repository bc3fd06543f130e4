import GlavitoCore
import Hummingbird

/// JSON endpoints of identity: who am I, my sessions, users.
struct IdentityAPIController {
    let identity: IdentityService

    struct Me: Encodable {
        let user: String?
        let email: String?
        let name: String
        let role: String
        let permissions: [String]
        let dataScope: String
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/me", .signedIn) { _, _, input in
            let principal = try input.requirePrincipal()
            return try JSONResponse.encode(Me(user: principal.userID?.description, email: principal.email, name: principal.displayName,
                                              role: principal.roleKey, permissions: principal.permissions.sorted().map(\.rawValue),
                                              dataScope: principal.dataScope.rawValue))
        }

        routes.get("/api/v1/sessions", .signedIn) { _, _, input in
            let principal = try input.requirePrincipal()
            guard let user = principal.userID, case .session = principal.credential else {
                throw Problem(status: .badRequest, type: "not-a-session", title: "Only a signed-in user has sessions")
            }
            let sessions = try await identity.database.withTenantTransaction(principal.tenant) { connection in
                try await identity.sessions.list(tenant: principal.tenant, user: user, on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(["sessions": sessions])
        }

        routes.get("/api/v1/users", .permission(.adminUsers)) { _, _, input in
            let principal = try input.requirePrincipal()
            let users = try await identity.database.withTenantTransaction(principal.tenant) { connection in
                try await UserRepository(tenant: principal.tenant).list(on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(["users": users])
        }
    }
}
