import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Roles, permissions and data scope")
struct PermissionTests {
    @Test("built-in roles grant what the table says", arguments: [
        ("owner", Permission.billingManage, true), ("admin", .billingManage, false), ("admin", .adminUsers, true),
        ("admin", .auditRead, true), ("supervisor", .ticketsAssign, true), ("supervisor", .adminUsers, false),
        ("agent", .ticketsReply, true), ("agent", .ticketsAssign, false), ("agent", .auditRead, false),
        ("viewer", .ticketsRead, true), ("viewer", .ticketsReply, false),
    ])
    func builtIns(role: String, permission: Permission, granted: Bool) {
        #expect(Role.builtInPermissions(role)?.contains(permission) == granted)
    }

    @Test("a custom role's permissions and scope reach the signed-in principal; unknown permissions are refused")
    func customRole() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "roles").id
            let config = IdentityFixtures.config()
            let service = try IdentityService(database: dbs.app, config: config)
            let logger = dbs.app.logger
            let created = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await RoleRepository(tenant: tenant).upsert(Role(key: "exporter", name: "Exporter",
                    permissions: try Permission.parse(["contacts.read", "contacts.export"]), dataScope: .teams), on: connection, logger: logger)
            }
            #expect(created)
            #expect(throws: IdentityError.self) { try Permission.parse(["tickets.fly"]) }
            try await IdentityFixtures.makeUser(service, tenant: tenant, email: "ex@example.com", password: "granite-meadow-lamp-5", role: "exporter", teams: ["emea"])
            let signIn = try await service.signIn(tenant: tenant, email: "ex@example.com", password: "granite-meadow-lamp-5",
                                                  policy: IdentityFixtures.policy(config), clientAddress: nil, userAgent: nil)
            let principal = try #require(try await dbs.app.withTenantTransaction(tenant) { connection in
                try await service.sessions.authenticate(tenant: tenant, token: signIn.token, on: connection, logger: logger)
            })
            #expect(principal.permissions == [.contactsRead, .contactsExport])
            #expect(principal.dataScope == .teams)
            #expect(principal.teams == ["emea"])
            let roles = try await dbs.app.withTenantTransaction(tenant) { connection in
                try await RoleRepository(tenant: tenant).list(on: connection, logger: logger)
            }
            #expect(roles.map(\.key) == ["admin", "agent", "owner", "supervisor", "viewer", "exporter"])
        }
    }

    @Test("session timeouts come from configuration unless the tenant's settings override them within bounds")
    func sessionPolicy() {
        let defaults = IdentityConfig()
        #expect(SessionPolicy.forTenant(settings: [:], defaults: defaults) == SessionPolicy(idleSeconds: 1800, absoluteSeconds: 43_200))
        #expect(SessionPolicy.forTenant(settings: ["session_idle_minutes": "5", "session_absolute_hours": "2"], defaults: defaults)
            == SessionPolicy(idleSeconds: 300, absoluteSeconds: 7200))
        #expect(SessionPolicy.forTenant(settings: ["session_idle_minutes": "0", "session_absolute_hours": "x"], defaults: defaults)
            == SessionPolicy(idleSeconds: 1800, absoluteSeconds: 43_200))
    }

    @Test("scope 'my teams' hides other teams' records; 'own' shows only one's own; 'all' shows everything")
    func dataScope() {
        let me = UserID(UUID())
        let other = UserID(UUID())
        let records: [(owner: UserID?, team: String?)] = [(me, nil), (other, "emea"), (other, "apac"), (nil, "emea"), (nil, nil)]
        func visible(_ scope: DataScope) -> [Bool] {
            records.map { scope.allows(user: me, teams: ["emea"], recordOwner: $0.owner, recordTeam: $0.team) }
        }
        #expect(visible(.teams) == [true, true, false, true, false])
        #expect(visible(.own) == [true, false, false, false, false])
        #expect(visible(.all) == [true, true, true, true, true])
    }
}
