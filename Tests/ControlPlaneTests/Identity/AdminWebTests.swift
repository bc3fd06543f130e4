import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing
@testable import ControlPlane

@Suite("Admin pages: invitations, roles, API keys, audit export")
struct AdminWebTests {
    let password = "saffron-glacier-owl-12"

    @Test("an admin invites a user, who sets a password with the one-time link and signs in; the link works once")
    func invitation() async throws {
        try await TestSite.with { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "admin@example.com", password: password, role: "admin")
            let token = try #require(try await site.signIn("admin@example.com", password))
            let page = try await site.send(.GET, "/admin/users", token: token)
            let invited = try await site.send(.POST, "/admin/users", form: [("_csrf", try #require(page.csrf)), ("email", "New@Example.com"),
                                                                             ("name", "Newcomer"), ("role", "agent")], token: token)
            #expect(invited.status == 200)
            let link = try #require(invited.body.firstMatch(of: /token=([A-Za-z0-9_-]+)/).map { String($0.1) })
            #expect(try await site.signIn("new@example.com", "anything-at-all-1") == nil, "no password yet")
            let weak = try await site.send(.POST, "/password/reset", form: [("token", link), ("password", "password123")])
            #expect(weak.status == 400)
            #expect(weak.body.contains("at least 12"))
            let set = try await site.send(.POST, "/password/reset", form: [("token", link), ("password", "walnut-prairie-echo-7")])
            #expect(set.status == 303)
            #expect(try await site.signIn("new@example.com", "walnut-prairie-echo-7") != nil)
            let again = try await site.send(.POST, "/password/reset", form: [("token", link), ("password", "walnut-prairie-echo-8")])
            #expect(again.status == 400, "a used link does not work twice")
            // An admin may not make someone an owner; deactivation ends the user's access.
            let users = try await site.send(.GET, "/admin/users", token: token)
            let userID = try #require(users.body.firstMatch(of: /\/admin\/users\/([0-9a-f-]{36})\/role/).map { String($0.1) })
            let promoted = try await site.send(.POST, "/admin/users/\(userID)/role", form: [("_csrf", try #require(users.csrf)), ("role", "owner")], token: token)
            #expect(promoted.status == 403)
            let owner = try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "boss@example.com", password: password, role: "owner")
            let demoted = try await site.send(.POST, "/admin/users/\(owner.id)/role", form: [("_csrf", try #require(users.csrf)), ("role", "agent")], token: token)
            #expect(demoted.status == 403, "an admin cannot demote an owner")
            let deactivated = try await site.send(.POST, "/admin/users/\(owner.id)/deactivate", form: [("_csrf", try #require(users.csrf))], token: token)
            #expect(deactivated.status == 403)
            #expect(try await site.signIn("boss@example.com", password) != nil)
        }
    }

    @Test("an admin connects a WhatsApp channel on the channels page; secrets are sealed and never shown; bad input is explained")
    func channelsPage() async throws {
        try await TestSite.with { dbs, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "admin@example.com", password: password, role: "admin")
            let token = try #require(try await site.signIn("admin@example.com", password))
            let page = try await site.send(.GET, "/admin/channels", token: token)
            #expect(page.status == 200 && page.body.contains("Connect a channel"))
            let csrf = try #require(page.csrf)
            let connected = try await site.send(.POST, "/admin/channels", form: [
                ("_csrf", csrf), ("kind", "whatsapp"), ("name", "Shop <WhatsApp>"), ("external_id", "1098765"), ("waba_id", "2098765"),
                ("access_token", "EAAG-secret-token"), ("app_secret", "app-secret-value"), ("verify_token", "verify-me"),
            ], token: token)
            #expect(connected.status == 200 && connected.body.contains("Connected Shop &lt;WhatsApp&gt;."), "\(connected.body.prefix(300))")
            #expect(connected.body.contains("/webhooks/whatsapp/") && connected.body.contains("access_token, app_secret, verify_token"))
            #expect(!connected.body.contains("EAAG-secret-token") && !connected.body.contains("app-secret-value"))
            let missing = try await site.send(.POST, "/admin/channels", form: [("_csrf", csrf), ("kind", "instagram"), ("name", "IG"),
                                                                               ("external_id", "1790001")], token: token)
            #expect(missing.status == 400 && missing.body.contains("needs the secrets"))
            let count = try await dbs.app.withTenantTransaction(site.tenant) { connection in
                let rows = try await connection.query("SELECT count(*)::int FROM channel_accounts", logger: TestDatabases.logger)
                for try await value in rows.decode(Int.self) { return value }
                return 0
            }
            #expect(count == 1)
            let agent = try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "agent@example.com", password: password)
            _ = agent
            let agentToken = try #require(try await site.signIn("agent@example.com", password))
            #expect(try await site.send(.GET, "/admin/channels", token: agentToken).status == 403)
        }
    }

    @Test("an admin changes the branding with a logo; the landing page uses it; bad colours and non-images are refused; audited")
    func brandingPage() async throws {
        try await TestSite.with { dbs, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "admin@example.com", password: password, role: "admin")
            let token = try #require(try await site.signIn("admin@example.com", password))
            let page = try await site.send(.GET, "/admin/branding", token: token)
            #expect(page.status == 200 && page.body.contains("branding-preview") && page.body.contains("/static/branding.js"))
            let csrf = try #require(page.csrf)
            let png = "data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
            var form: [(String, String)] = [("_csrf", csrf), ("display_name", "Kaffee & Co"), ("primary_color", "#0F766E"), ("accent_color", "#f59e0b"),
                                            ("background_color", "#ffffff"), ("text_color", "#111111"), ("logo_data", png)]
            let saved = try await site.send(.POST, "/admin/branding", form: form, token: token)
            #expect(saved.status == 200 && saved.body.contains("Branding saved.") && saved.body.contains("Kaffee &amp; Co"), "\(saved.body.prefix(300))")
            let landing = try await site.send(.GET, "/branding.css")
            #expect(landing.body.contains("#0f766e"), "\(landing.body.prefix(300))")
            form[2] = ("primary_color", "teal")
            let badColour = try await site.send(.POST, "/admin/branding", form: form, token: token)
            #expect(badColour.status == 400 && badColour.body.contains("primary_color must be a colour"))
            form[2] = ("primary_color", "#0f766e")
            form[6] = ("logo_data", "data:image/png;base64," + Data("<script>alert(1)</script>".utf8).base64EncodedString())
            let notImage = try await site.send(.POST, "/admin/branding", form: form, token: token)
            #expect(notImage.status == 400 && notImage.body.contains("PNG, JPEG, WebP or SVG"))
            let audited = try await dbs.app.withTenantTransaction(site.tenant) { connection in
                let rows = try await connection.query("SELECT count(*)::int FROM audit_log WHERE action = 'branding.updated'", logger: TestDatabases.logger)
                for try await value in rows.decode(Int.self) { return value }
                return 0
            }
            #expect(audited == 1)
        }
    }

    @Test("a custom role is created on the roles page; an API key is shown once; the audit log exports as CSV and JSON lines")
    func rolesKeysAudit() async throws {
        try await TestSite.with { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "owner@example.com", password: password, role: "owner")
            let token = try #require(try await site.signIn("owner@example.com", password))
            let roles = try await site.send(.GET, "/admin/roles", token: token)
            let csrf = try #require(roles.csrf)
            let saved = try await site.send(.POST, "/admin/roles", form: [("_csrf", csrf), ("key", "triage"), ("name", "Triage"), ("scope", "teams"),
                                                                           ("permissions", "tickets.read"), ("permissions", "tickets.assign")], token: token)
            #expect(saved.status == 303)
            #expect(try await site.send(.GET, "/admin/roles", token: token).body.contains("tickets.assign, tickets.read"))
            let bad = try await site.send(.POST, "/admin/roles", form: [("_csrf", csrf), ("key", "x"), ("permissions", "tickets.fly")], token: token)
            #expect(bad.status == 400)

            let created = try await site.send(.POST, "/admin/api-keys", form: [("_csrf", csrf), ("name", "crm"), ("scopes", "audit.read"), ("expires_days", "30")], token: token)
            let key = try #require(created.body.firstMatch(of: /id="new-api-key">(glv_[^<]+)</).map { String($0.1) })
            #expect(try await site.send(.GET, "/api/v1/audit", headers: [("Authorization", "Bearer \(key)")], accept: "application/json").status == 200)
            #expect(!(try await site.send(.GET, "/admin/api-keys", token: token).body.contains(key)), "the key is shown only once")

            let csv = try await site.send(.GET, "/admin/audit/export?format=csv", token: token)
            #expect(csv.status == 200)
            #expect(csv.header("Content-Type")?.hasPrefix("text/csv") == true)
            #expect(csv.body.hasPrefix("seq,occurred_at,actor_kind"))
            #expect(csv.body.contains("\"role.saved\"") && csv.body.contains("\"api_key.created\""))
            let jsonl = try await site.send(.GET, "/admin/audit/export?format=jsonl&action=login", token: token)
            let lines = jsonl.body.split(separator: "\n")
            #expect(!lines.isEmpty)
            for line in lines {
                let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
                #expect((object?["action"] as? String)?.hasPrefix("login") == true)
            }
            #expect(try await site.send(.GET, "/admin/audit/export?format=xml", token: token).status == 400)
        }
    }

    @Test("a sign-in form posted from another site is refused")
    func loginCSRF() async throws {
        try await TestSite.with { _, site, _, _ in
            try await IdentityFixtures.makeUser(site.identity, tenant: site.tenant, email: "l@example.com", password: password)
            let reply = try await site.send(.POST, "/login", form: [("email", "l@example.com"), ("password", password)],
                                            headers: [("Sec-Fetch-Site", "cross-site")])
            #expect(reply.status == 403)
            #expect(reply.sessionToken == nil)
        }
    }
}
