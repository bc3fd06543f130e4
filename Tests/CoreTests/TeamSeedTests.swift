import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// Migration 0062 turns the team labels already in use into teams, so existing users and tickets keep working.
@Suite("Teams from existing labels")
struct TeamSeedTests {
    struct RolledBack: Error {}

    @Test("every label on users and tickets becomes a team of its tenant, named like its key; existing teams are kept")
    func seedsFromLabels() async throws {
        let migration = try #require(try MigrationCatalog.bundled().first { $0.version == 62 })
        let seed = try #require(SQLScript.statements(migration.sql).first { $0.contains("INSERT INTO teams") })
        try await TestDatabases.with { dbs in
            let (tenant, _) = try await dbs.makeTenant(prefix: "seed")
            let logger = TestDatabases.logger
            // As the schema owner (like the migration), in a transaction rolled back at the end: the seed statement
            // reads every tenant, and other tests' tenants must not get teams from it.
            var seeded: [String: String] = [:]
            do {
                try await dbs.owner.withTransaction { connection in
                    try await connection.query("""
                        INSERT INTO teams (tenant_id, key, name) VALUES (\(tenant.rawValue), 'emea', 'Europe')
                        """, logger: logger)
                    try await connection.query("""
                        INSERT INTO users (tenant_id, email, display_name, role_key, teams)
                        VALUES (\(tenant.rawValue), 'old@example.com', 'Old', 'agent', ARRAY['Legacy Sales', 'emea'])
                        """, logger: logger)
                    let contact = UUID()
                    try await connection.query("""
                        INSERT INTO contacts (tenant_id, id) VALUES (\(tenant.rawValue), \(contact))
                        """, logger: logger)
                    try await connection.query("""
                        INSERT INTO tickets (tenant_id, contact_id, team, channel, last_channel)
                        VALUES (\(tenant.rawValue), \(contact), 'night shift', 'webchat', 'webchat')
                        """, logger: logger)
                    try await connection.query(PostgresQuery(unsafeSQL: seed), logger: logger)
                    let rows = try await connection.query("""
                        SELECT key, name FROM teams WHERE tenant_id = \(tenant.rawValue)
                        """, logger: logger)
                    for try await (key, name) in rows.decode((String, String).self) { seeded[key] = name }
                    throw RolledBack()
                }
            } catch is RolledBack {}
            #expect(seeded == ["emea": "Europe", "Legacy Sales": "Legacy Sales", "night shift": "night shift"])
        }
    }
}
