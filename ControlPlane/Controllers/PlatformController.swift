import GlavitoCore
import Hummingbird

/// The platform operators' realm on the bare base domain (no tenant): sign-in with password and TOTP together,
/// and the list of tenants. Tenant hosts answer 404 here.
struct PlatformController {
    let operators: PlatformOperators
    let platform: Database
    let cookie: SessionCookie

    func addRoutes(to router: Router<GlavitoRequestContext>, catalog: RouteAccessCatalog) {
        catalog.declare(.public, .get, "/platform/login")
        router.get("/platform/login") { _, context in
            try Self.refuseTenantHost(context)
            return AppChrome.page(PlatformPages.login())
        }

        catalog.declare(.public, .post, "/platform/login")
        router.post("/platform/login") { request, context in
            try Self.refuseTenantHost(context)
            var request = request
            let form = FormDecoding.fields(String(buffer: try await request.collectBody(upTo: 64 * 1024)))
            try CSRFGuard.check(request: request, principal: nil, form: form)
            do {
                let token = try await operators.signIn(email: form["email"] ?? "", password: form["password"] ?? "", code: form["code"] ?? "")
                return Redirect.to("/platform", headers: [.setCookie: cookie.set(token, host: request.head.authority)])
            } catch IdentityError.throttled(let seconds) {
                return AppChrome.page(PlatformPages.login(error: IdentityError.throttled(retryAfter: seconds).description),
                                      status: .tooManyRequests, headers: [.retryAfter: String(seconds)])
            } catch IdentityError.invalidCredentials {
                return AppChrome.page(PlatformPages.login(error: "The email address, password or code is incorrect."), status: .unauthorized)
            }
        }

        catalog.declare(.platformOperator, .get, "/platform")
        router.get("/platform") { request, context in
            try Self.refuseTenantHost(context)
            guard let token = cookie.token(in: request), let session = try await operators.authenticate(token: token) else {
                return Redirect.to("/platform/login")
            }
            let tenants = try await TenantDirectory(platform: platform).list()
            return AppChrome.page(PlatformPages.tenants(operator: session.0, csrf: session.csrf, tenants: tenants))
        }

        catalog.declare(.platformOperator, .post, "/platform/logout")
        router.post("/platform/logout") { request, context in
            try Self.refuseTenantHost(context)
            var request = request
            let form = FormDecoding.fields(String(buffer: try await request.collectBody(upTo: 64 * 1024)))
            guard let token = cookie.token(in: request), let session = try await operators.authenticate(token: token) else {
                return Redirect.to("/platform/login")
            }
            try CSRFGuard.check(request: request, principal: nil, form: form)
            guard ConstantTime.equal(Array((form["_csrf"] ?? "").utf8), Array(session.csrf.utf8)) else { throw CSRFGuard.rejection("Reload the page and try again.") }
            try await operators.signOut(token: token)
            return Redirect.to("/platform/login", headers: [.setCookie: cookie.clear(host: request.head.authority)])
        }
    }

    static func refuseTenantHost(_ context: GlavitoRequestContext) throws {
        guard context.tenant == nil else { throw Problem(status: .notFound, type: "not-found", title: "Not found") }
    }
}
