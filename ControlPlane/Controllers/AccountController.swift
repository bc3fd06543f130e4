import Foundation
import GlavitoCore
import Hummingbird

/// A user's own account: sessions, password, and two-step verification.
struct AccountController {
    let identity: IdentityService
    let cookie: SessionCookie

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/account", .signedIn) { _, _, input in
            try await page(try input.requirePrincipal())
        }

        routes.post("/account/password", .signedIn) { _, context, input in
            let principal = try input.requirePrincipal()
            guard (input.form["new_password"] ?? "") == (input.form["confirm_password"] ?? "") else {
                return try await page(principal, error: "The new passwords do not match.", status: .badRequest)
            }
            do {
                try await identity.changePassword(principal: principal, current: input.form["current_password"] ?? "",
                                                  new: input.form["new_password"] ?? "", clientAddress: context.clientAddress)
            } catch IdentityError.invalid(let message) {
                return try await page(principal, error: message, status: .badRequest)
            }
            return try await page(principal, flash: "Your password was changed and your other sessions were signed out.")
        }

        routes.post("/account/sessions/:id/revoke", .signedIn) { _, context, input in
            let principal = try input.requirePrincipal()
            guard let user = principal.userID, let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                throw Problem(status: .notFound, type: "not-found", title: "No such session")
            }
            try await identity.audited(principal.tenant, AuditEvent(actorKind: .user, actorID: user.description, action: "session.revoked",
                                                                    target: "session:\(id.uuidString.lowercased())", clientAddress: context.clientAddress)) { connection, logger in
                guard try await identity.sessions.revoke(tenant: principal.tenant, user: user, session: SessionID(id), on: connection, logger: logger) else {
                    throw Problem(status: .notFound, type: "not-found", title: "No such session")
                }
            }
            return Redirect.to("/account")
        }

        routes.post("/account/sessions/revoke-all", .signedIn) { request, context, input in
            let principal = try input.requirePrincipal()
            guard let user = principal.userID else { throw Problem(status: .badRequest, type: "not-a-user", title: "Only users have sessions") }
            try await identity.audited(principal.tenant, AuditEvent(actorKind: .user, actorID: user.description, action: "session.revoked_all",
                                                                    target: "user:\(user)", clientAddress: context.clientAddress)) { connection, logger in
                try await identity.sessions.revokeAll(tenant: principal.tenant, user: user, on: connection, logger: logger)
            }
            return Redirect.to("/login", headers: [.setCookie: cookie.clear(host: request.head.authority)])
        }

        routes.get("/account/mfa", .signInStep) { request, context, input in
            let principal = try input.requirePrincipal()
            guard case .session(_, let csrf, let stage) = principal.credential, stage != .mfaPending, let user = principal.userID else {
                return Redirect.to("/login/mfa")
            }
            let mfa = MFAService(tenant: principal.tenant, keyRing: identity.keyRing)
            let enrolment = try await identity.database.withTenantTransaction(principal.tenant) { connection in
                try await mfa.beginEnrolment(user: user, account: principal.email ?? user.description, issuer: "Glavito \(context.tenant.slug)",
                                             on: connection, logger: identity.database.logger)
            }
            let qr = try QRCode(text: enrolment.uri).svg(label: "QR code for your authenticator app")
            return AppChrome.page(SignInPages.enrol(csrf: csrf, qrSVG: qr, secret: Base32.encode(enrolment.totp.secret), required: stage == .mfaEnrolment))
        }

        routes.post("/account/mfa", .signInStep) { request, context, input in
            let principal = try input.requirePrincipal()
            guard case .session(let sessionID, _, let stage) = principal.credential, stage != .mfaPending, let user = principal.userID else {
                return Redirect.to("/login/mfa")
            }
            let mfa = MFAService(tenant: principal.tenant, keyRing: identity.keyRing)
            let event = AuditEvent(actorKind: .user, actorID: user.description, action: "mfa.enrolled", target: "user:\(user)", clientAddress: context.clientAddress)
            do {
                let (codes, token) = try await identity.audited(principal.tenant, event) { connection, logger in
                    let codes = try await mfa.confirmEnrolment(user: user, code: input.form["code"] ?? "", on: connection, logger: logger)
                    // Enrolment changes what the session is worth: it gets a new token.
                    let token = try await identity.sessions.promote(tenant: principal.tenant, session: sessionID, on: connection, logger: logger)
                    return (codes, token)
                }
                return AppChrome.page(SignInPages.recoveryCodes(codes), headers: [.setCookie: cookie.set(token, host: request.head.authority)])
            } catch IdentityError.invalid(let message) {
                return AppChrome.page(AppChrome.render(title: "Set up two-step verification", principal: nil, csrf: nil, error: message,
                                                       body: #"<p><a href="/account/mfa">Try again with a new code</a></p>"#), status: .badRequest)
            }
        }
    }

    private func page(_ principal: Principal, flash: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        guard let user = principal.userID else { throw Problem(status: .badRequest, type: "not-a-user", title: "Only users have an account page") }
        let (sessions, account) = try await identity.database.withTenantTransaction(principal.tenant) { connection in
            (try await identity.sessions.list(tenant: principal.tenant, user: user, on: connection, logger: identity.database.logger),
             try await UserRepository(tenant: principal.tenant).find(user, on: connection, logger: identity.database.logger))
        }
        return AppChrome.page(AccountPage.render(principal: principal, sessions: sessions, mfaEnrolled: account?.mfaEnrolled ?? false,
                                                 flash: flash, error: error), status: status)
    }
}
