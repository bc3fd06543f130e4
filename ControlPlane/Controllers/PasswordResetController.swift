import GlavitoCore
import Hummingbird

/// Setting a password with a one-time token (invitations and resets).
struct PasswordResetController {
    let identity: IdentityService

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/password/reset", .public) { request, _, _ in
            AppChrome.page(Self.form(token: request.uri.queryParameters.get("token") ?? ""))
        }

        routes.post("/password/reset", .public) { _, context, input in
            let token = input.form["token"] ?? ""
            let hash: String
            do {
                hash = try await identity.hashNewPassword(input.form["password"] ?? "")
            } catch let error as IdentityError {
                return AppChrome.page(Self.form(token: token, error: error.description), status: .badRequest)
            }
            let tenant = context.tenant.id
            let done: Bool = try await identity.database.withTenantTransaction(tenant) { connection in
                let logger = identity.database.logger
                guard let user = try await PasswordResets(tenant: tenant).redeem(token, on: connection, logger: logger) else { return false }
                try await UserRepository(tenant: tenant).setPasswordHash(user, hash: hash, on: connection, logger: logger)
                try await identity.sessions.revokeAll(tenant: tenant, user: user, on: connection, logger: logger)
                try await identity.audit.append(AuditEvent(actorKind: .user, actorID: user.description, action: "password.reset",
                                                           target: "user:\(user)", clientAddress: context.clientAddress), tenant: tenant, on: connection, logger: logger)
                return true
            }
            guard done else {
                return AppChrome.page(Self.form(token: "", error: "This link is invalid, used or expired. Ask an administrator for a new one."), status: .badRequest)
            }
            return Redirect.to("/login")
        }
    }

    static func form(token: String, error: String? = nil) -> String {
        AppChrome.render(title: "Choose a password", principal: nil, csrf: nil, error: error, body: """
        <form method="post" action="/password/reset" class="card form narrow-form">
          <input type="hidden" name="token" value="\(HTML.escape(token))">
          <label for="password">New password (at least 12 characters)</label>
          <input id="password" name="password" type="password" autocomplete="new-password" minlength="12" required>
          <button type="submit">Set password</button>
        </form>
        """)
    }
}
