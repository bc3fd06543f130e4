import GlavitoCore
import Hummingbird

/// Signing in and out: the password step, the second-factor step, and signing out.
struct LoginController {
    let identity: IdentityService
    let cookie: SessionCookie

    /// Where a completed sign-in lands: the agent workspace, which sends users who cannot read tickets on to
    /// their account page.
    static let home = "/app"

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/login", .public) { request, context, input in
            if case .session(_, _, .active) = input.principal?.credential { return Redirect.to(Self.home) }
            return AppChrome.page(SignInPages.login())
        }

        routes.post("/login", .public) { request, context, input in
            let email = input.form["email"] ?? ""
            let password = input.form["password"] ?? ""
            let tenant = context.tenant.id
            let settings = try await TenantRepository(database: identity.database, tenant: tenant).load()?.settings ?? [:]
            do {
                let signIn = try await identity.signIn(
                    tenant: tenant, email: email, password: password,
                    policy: SessionPolicy.forTenant(settings: settings, defaults: identity.config),
                    clientAddress: context.clientAddress, userAgent: request.headers[.userAgent]
                )
                let next = switch signIn.stage {
                case .active: Self.home
                case .mfaPending: "/login/mfa"
                case .mfaEnrolment: "/account/mfa"
                }
                return Redirect.to(next, headers: [.setCookie: cookie.set(signIn.token, host: request.head.authority)])
            } catch IdentityError.invalidCredentials {
                return AppChrome.page(SignInPages.login(error: IdentityError.invalidCredentials.description, email: email), status: .unauthorized)
            } catch IdentityError.throttled(let seconds) {
                return AppChrome.page(SignInPages.login(error: IdentityError.throttled(retryAfter: seconds).description, email: email),
                                      status: .tooManyRequests, headers: [.retryAfter: String(seconds)])
            }
        }

        routes.get("/login/mfa", .signInStep) { _, _, input in
            let principal = try input.requirePrincipal()
            guard case .session(_, let csrf, .mfaPending) = principal.credential else { return Redirect.to("/account") }
            return AppChrome.page(SignInPages.secondFactor(csrf: csrf))
        }

        routes.post("/login/mfa", .signInStep) { request, context, input in
            let principal = try input.requirePrincipal()
            do {
                let token = try await identity.completeSecondFactor(principal: principal, code: input.form["code"] ?? "", clientAddress: context.clientAddress)
                return Redirect.to(Self.home, headers: [.setCookie: cookie.set(token, host: request.head.authority)])
            } catch IdentityError.invalid(let message) {
                return AppChrome.page(SignInPages.secondFactor(csrf: AppChrome.csrf(principal), error: message), status: .unauthorized)
            } catch IdentityError.throttled(let seconds) {
                return AppChrome.page(SignInPages.secondFactor(csrf: AppChrome.csrf(principal), error: IdentityError.throttled(retryAfter: seconds).description),
                                      status: .tooManyRequests, headers: [.retryAfter: String(seconds)])
            }
        }

        routes.post("/logout", .signInStep) { request, context, input in
            let principal = try input.requirePrincipal()
            if case .session(let id, _, _) = principal.credential, let user = principal.userID {
                try await identity.audited(principal.tenant, AuditEvent(actorKind: .user, actorID: user.description, action: "logout",
                                                                        target: "session:\(id)", clientAddress: context.clientAddress)) { connection, logger in
                    try await identity.sessions.revoke(tenant: principal.tenant, user: user, session: id, on: connection, logger: logger)
                }
            }
            return Redirect.to("/login", headers: [.setCookie: cookie.clear(host: request.head.authority)])
        }
    }
}
