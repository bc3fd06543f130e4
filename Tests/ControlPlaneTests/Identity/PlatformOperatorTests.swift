import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing
@testable import ControlPlane

@Suite("Platform operators: a realm of their own, MFA always on")
struct PlatformOperatorTests {
    let password = "juniper-comet-harvest-3"

    @Test("an operator signs in on the base domain with password and TOTP, sees the tenants, and a replayed code fails")
    func signIn() async throws {
        try await TestSite.with { dbs, site, _, _ in
            // The site's own configuration holds the master key the server uses.
            let siteOperators = PlatformOperators(platform: dbs.platform, hasher: site.identity.hasher,
                                                  masterKey: try site.identity.config.requireMasterKey(), config: site.identity.config)
            let email = "op-\(UUID().uuidString.prefix(8).lowercased())@platform.test"
            let (_, totp, uri) = try await siteOperators.create(email: email, name: "Op", password: password)
            #expect(uri.hasPrefix("otpauth://totp/"))
            let bare = "glavito.test"
            #expect(try await site.send(.GET, "/platform/login", host: bare).status == 200)
            #expect(try await site.send(.GET, "/platform/login").status == 404, "not on a tenant's host")

            let code = totp.code(at: Int64(Date().timeIntervalSince1970))
            let noCode = try await site.send(.POST, "/platform/login", form: [("email", email), ("password", password), ("code", "")], host: bare)
            #expect(noCode.status == 401, "the password alone is not enough")
            let signedIn = try await site.send(.POST, "/platform/login", form: [("email", email), ("password", password), ("code", code)], host: bare)
            #expect(signedIn.status == 303)
            let token = try #require(signedIn.token(cookie: "glavito_platform"))
            let tenants = try await site.send(.GET, "/platform", token: token, host: bare, cookieName: "glavito_platform")
            #expect(tenants.status == 200)
            #expect(tenants.body.contains(site.host.components(separatedBy: ".")[0]))
            #expect(try await site.send(.GET, "/platform", token: token, host: bare).status == 303, "a tenant session cookie is not an operator session")
            let replay = try await site.send(.POST, "/platform/login", form: [("email", email), ("password", password), ("code", code)], host: bare)
            #expect(replay.status == 401, "a TOTP code is accepted once")

            // The application role cannot see operators at all.
            await #expect(throws: (any Error).self) {
                try await dbs.app.withTransaction { connection in
                    try await connection.query("SELECT count(*) FROM platform_operators", logger: dbs.app.logger)
                }
            }
        }
    }
}
