import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing
@testable import ControlPlane

@Suite("Sessions, cookies, CSRF, headers and rate limits over HTTP")
struct SessionWebTests {
    let password = "cobalt-orchard-wind-64"

    @Test("over TLS the cookie is __Host- prefixed, Secure, HttpOnly, SameSite=Lax, Path=/, without Domain; HSTS is sent")
    func cookieAttributesTLS() async throws {
        try await TestSite.with(publicURL: "https://glavito.test") { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "c@example.com", password: password)
            let reply = try await site.send(.POST, "/login", form: [("email", "c@example.com"), ("password", password)])
            #expect(reply.status == 303)
            let cookie = try #require(reply.headers("Set-Cookie").first)
            #expect(cookie.hasPrefix("__Host-glavito_session="))
            for attribute in ["Path=/", "HttpOnly", "SameSite=Lax", "Secure"] { #expect(cookie.contains(attribute), "\(attribute)") }
            #expect(!cookie.lowercased().contains("domain="))
            #expect(reply.header("Strict-Transport-Security") != nil)
        }
    }

    @Test("without TLS the cookie is not Secure and no HSTS is sent; security headers are on every response")
    func headersPlain() async throws {
        try await TestSite.with { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "p@example.com", password: password)
            let reply = try await site.send(.POST, "/login", form: [("email", "p@example.com"), ("password", password)])
            let cookie = try #require(reply.headers("Set-Cookie").first)
            #expect(cookie.hasPrefix("glavito_session=") && !cookie.contains("Secure"))
            #expect(reply.header("Strict-Transport-Security") == nil)
            for path in ["/login", "/no-such-page", "/account"] {
                let page = try await site.send(.GET, path)
                #expect(page.header("Content-Security-Policy")?.contains("frame-ancestors 'none'") == true, "\(path)")
                #expect(page.header("X-Content-Type-Options") == "nosniff")
                #expect(page.header("Referrer-Policy") == "same-origin")
            }
            let token = try #require(reply.sessionToken)
            let account = try await site.send(.GET, "/account", token: token)
            #expect(account.status == 200)
            #expect(account.header("Cache-Control") == "no-store")
        }
    }

    @Test("a state-changing request without the CSRF token, or from another site, is refused")
    func csrf() async throws {
        try await TestSite.with { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "x@example.com", password: password)
            let token = try #require(try await site.signIn("x@example.com", password))
            let page = try await site.send(.GET, "/account", token: token)
            let csrf = try #require(page.csrf)
            #expect(try await site.send(.POST, "/account/sessions/revoke-all", form: [], token: token).status == 403)
            #expect(try await site.send(.POST, "/account/sessions/revoke-all", form: [("_csrf", "forged")], token: token).status == 403)
            let crossSite = try await site.send(.POST, "/account/sessions/revoke-all", form: [("_csrf", csrf)], token: token,
                                                headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(crossSite.status == 403)
            #expect(try await site.send(.GET, "/account", token: token).status == 200, "the refused requests changed nothing")
            let accepted = try await site.send(.POST, "/account/sessions/revoke-all", form: [("_csrf", csrf)], token: token,
                                               headers: [("Sec-Fetch-Site", "same-origin")])
            #expect(accepted.status == 303)
            #expect(try await site.send(.GET, "/account", token: token).status == 303, "signed out everywhere")
        }
    }

    @Test("wrong passwords answer 401 and then 429 with Retry-After; the API rate limit sends RateLimit headers and 429")
    func limits() async throws {
        try await TestSite.with(configure: { $0.loginMaximumFailures = 3; $0.apiRequestsPerMinute = 5 }) { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "r@example.com", password: password)
            var statuses: [Int] = []
            for _ in 0..<4 {
                statuses.append(try await site.send(.POST, "/login", form: [("email", "r@example.com"), ("password", "nope-nope-nope")]).status)
            }
            #expect(statuses == [401, 401, 401, 429])
            let unknown = try await site.send(.POST, "/login", form: [("email", "ghost@example.com"), ("password", "nope-nope-nope")])
            #expect(unknown.status == 401, "an unknown account fails like a known one")

            let key = try await site.identity.database.withTenantTransaction(site.tenant) { connection in
                try await APIKeyStore(tenant: site.tenant).create(name: "rl", scopes: [.ticketsRead], expiresAt: nil, createdBy: nil,
                                                                  on: connection, logger: site.identity.database.logger)
            }
            var remaining: [String] = []
            for _ in 0..<5 {
                let reply = try await site.send(.GET, "/api/v1/me", headers: [("Authorization", "Bearer \(key.key)")], accept: "application/json")
                #expect(reply.status == 200)
                remaining.append(reply.header("RateLimit-Remaining") ?? "")
            }
            #expect(remaining == ["4", "3", "2", "1", "0"])
            let limited = try await site.send(.GET, "/api/v1/me", headers: [("Authorization", "Bearer \(key.key)")], accept: "application/json")
            #expect(limited.status == 429)
            #expect(limited.header("Retry-After") != nil)
            #expect(limited.header("RateLimit-Limit") == "5")
            #expect(limited.body.contains("rate-limited"))
        }
    }

    @Test("sign-in with TOTP over HTTP: enrol, sign out, sign in again with a code; the pre-MFA token is rotated away")
    func totpFlow() async throws {
        try await TestSite.with { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "t@example.com", password: password, role: "owner")
            let token = try #require(try await site.signIn("t@example.com", password))
            let enrol = try await site.send(.GET, "/account/mfa", token: token)
            #expect(enrol.body.contains("<svg"))
            let secret = try #require(enrol.body.firstMatch(of: /data-secret="([A-Z2-7]+)"/).map { String($0.1) })
            let totp = TOTP(secret: try #require(Base32.decode(secret)))
            // The current step's code: should the request reach the server after the next step begins, it is still
            // within ±1 step (the previous step's code could then be two steps old and rightly refused).
            let enrolledAt = Int64(Date().timeIntervalSince1970)
            let confirm = try await site.send(.POST, "/account/mfa", form: [("_csrf", try #require(enrol.csrf)),
                                                                             ("code", totp.code(at: enrolledAt))], token: token)
            #expect(confirm.status == 200)
            #expect(confirm.body.contains("recovery-codes"))
            let afterEnrol = try #require(confirm.sessionToken)

            let again = try #require(try await site.signIn("t@example.com", password))
            #expect(try await site.send(.GET, "/account", token: again).status == 303, "password alone is not enough now")
            let challenge = try await site.send(.GET, "/login/mfa", token: again)
            // Enrolment used the step current then; the step after it is unused and stays within ±1 step of the
            // clock whether or not a step boundary passed meanwhile (a code is accepted once, so not the same step).
            let verified = try await site.send(.POST, "/login/mfa", form: [("_csrf", try #require(challenge.csrf)),
                                                                            ("code", totp.code(at: enrolledAt + 30))], token: again)
            #expect(verified.status == 303)
            let active = try #require(verified.sessionToken)
            #expect(active != again)
            #expect(try await site.send(.GET, "/account", token: active).status == 200)
            #expect(try await site.send(.GET, "/account", token: again).status == 303, "the pre-MFA token no longer works")
            #expect(try await site.send(.GET, "/account", token: afterEnrol).status == 200)
        }
    }
}
