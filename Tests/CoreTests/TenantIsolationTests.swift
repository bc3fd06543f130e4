import Foundation
import GlavitoCore
import GlavitoTestSupport
import Logging
import PostgresNIO
import Testing

/// Row-level security is the wall between tenants. These tests try to climb it as the application role.
@Suite("Tenant isolation under row-level security")
struct TenantIsolationTests {
    /// Domains visible to the current transaction.
    static func visibleDomains(_ connection: PostgresConnection) async throws -> [String] {
        let rows = try await connection.query("SELECT domain FROM tenant_domains ORDER BY domain", logger: TestDatabases.logger)
        var domains: [String] = []
        for try await domain in rows.decode(String.self) { domains.append(domain) }
        return domains
    }

    static func addDomain(_ database: Database, tenant: TenantID, domain: String) async throws {
        try await database.withTenantTransaction(tenant) { connection in
            try await connection.query(
                "INSERT INTO tenant_domains (tenant_id, domain) VALUES (\(tenant.rawValue), \(domain))",
                logger: TestDatabases.logger
            )
        }
    }

    @Test("rows of tenant A are invisible to tenant B and to no tenant, for SELECT, UPDATE and DELETE")
    func crossTenantReadsAndWrites() async throws {
        try await TestDatabases.with { dbs in
            let a = try await dbs.makeTenant(prefix: "a")
            let b = try await dbs.makeTenant(prefix: "b")
            let domainA = "\(a.slug).example"
            try await Self.addDomain(dbs.app, tenant: a.id, domain: domainA)

            #expect(try await dbs.app.withTenantTransaction(a.id) { try await Self.visibleDomains($0) } == [domainA])
            #expect(try await dbs.app.withTenantTransaction(b.id) { try await Self.visibleDomains($0) }.isEmpty)
            #expect(try await dbs.app.withTransaction { try await Self.visibleDomains($0) }.isEmpty)

            let updated = try await dbs.app.withTenantTransaction(b.id) { connection in
                let rows = try await connection.query(
                    "UPDATE tenant_domains SET domain = 'stolen.example' WHERE domain = \(domainA) RETURNING domain",
                    logger: TestDatabases.logger
                )
                var count = 0
                for try await _ in rows.decode(String.self) { count += 1 }
                return count
            }
            #expect(updated == 0)
            let deleted = try await dbs.app.withTransaction { connection in
                let rows = try await connection.query(
                    "DELETE FROM tenant_domains WHERE domain = \(domainA) RETURNING domain", logger: TestDatabases.logger
                )
                var count = 0
                for try await _ in rows.decode(String.self) { count += 1 }
                return count
            }
            #expect(deleted == 0)
            // The row is untouched, as the platform role (which bypasses RLS) sees.
            let stillThere = try await dbs.platform.withTransaction { try await Self.visibleDomains($0) }
            #expect(stillThere.contains(domainA))
            #expect(!stillThere.contains("stolen.example"))
        }
    }

    @Test("writing a row for another tenant is refused by the policy's WITH CHECK")
    func crossTenantInsertRefused() async throws {
        try await TestDatabases.with { dbs in
            let a = try await dbs.makeTenant(prefix: "a")
            let b = try await dbs.makeTenant(prefix: "b")
            await #expect(throws: PSQLError.self) {
                try await dbs.app.withTenantTransaction(b.id) { connection in
                    try await connection.query(
                        "INSERT INTO tenant_domains (tenant_id, domain) VALUES (\(a.id.rawValue), \("y-\(a.slug).example"))",
                        logger: TestDatabases.logger
                    )
                }
            }
            await #expect(throws: PSQLError.self) {
                try await dbs.app.withTransaction { connection in
                    try await connection.query(
                        "INSERT INTO tenant_domains (tenant_id, domain) VALUES (\(a.id.rawValue), \("z-\(a.slug).example"))",
                        logger: TestDatabases.logger
                    )
                }
            }
            let aDomains = try await dbs.app.withTenantTransaction(a.id) { try await Self.visibleDomains($0) }
            #expect(aDomains.isEmpty)
        }
    }

    @Test("a plain SET of app.tenant_id cannot leak through a pooled connection")
    func plainSetDoesNotLeak() async throws {
        // One connection in the pool, so every call below reuses the same server session.
        try await TestDatabases.with(poolSize: 1) { dbs in
            let a = try await dbs.makeTenant(prefix: "a")
            let b = try await dbs.makeTenant(prefix: "b")
            try await Self.addDomain(dbs.app, tenant: a.id, domain: "\(a.slug).example")
            try await Self.addDomain(dbs.app, tenant: b.id, domain: "\(b.slug).example")
            for round in 0..<6 {
                let (bound, other) = round.isMultiple(of: 2) ? (a, b) : (b, a)
                // A careless session-wide SET, as a bug or an injected statement might do…
                try await dbs.app.withConnection { connection in
                    try await connection.query(
                        "SELECT set_config('app.tenant_id', \(bound.id.description), false)", logger: TestDatabases.logger
                    )
                }
                // …grants nothing outside a tenant transaction…
                #expect(try await dbs.app.withTransaction { try await Self.visibleDomains($0) }.isEmpty)
                #expect(try await dbs.app.withConnection { try await Self.visibleDomains($0) }.isEmpty)
                // …and does not override the tenant bound inside one.
                let seen = try await dbs.app.withTenantTransaction(other.id) { try await Self.visibleDomains($0) }
                #expect(seen == ["\(other.slug).example"])
            }
        }
    }

    @Test("the application role owns no table, cannot bypass RLS and cannot switch it off")
    func applicationRoleIsConfined() async throws {
        try await TestDatabases.with { dbs in
            let attributes = try await dbs.app.withConnection { connection in
                let rows = try await connection.query("""
                    SELECT r.rolbypassrls, r.rolsuper,
                           (SELECT count(*) FROM pg_class c WHERE c.relowner = r.oid AND c.relkind IN ('r', 'p'))::int
                    FROM pg_roles r
                    WHERE r.rolname = current_user
                    """, logger: TestDatabases.logger)
                var result: (Bool, Bool, Int)?
                for try await row in rows.decode((Bool, Bool, Int).self) { result = row }
                return result
            }
            #expect(attributes?.0 == false)
            #expect(attributes?.1 == false)
            #expect(attributes?.2 == 0)
            // With row_security off, PostgreSQL raises an error rather than return rows a policy would hide.
            await #expect(throws: PSQLError.self) {
                try await dbs.app.withTransaction { connection in
                    try await connection.query("SET LOCAL row_security = off", logger: TestDatabases.logger)
                    _ = try await Self.visibleDomains(connection)
                }
            }
        }
    }
}
