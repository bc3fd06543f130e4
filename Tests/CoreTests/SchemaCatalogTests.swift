import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// Checks over the whole schema that keep every future table honest.
@Suite("Schema catalog rules")
struct SchemaCatalogTests {
    /// Indexes allowed not to lead with tenant_id, each with the reason documented in its migration.
    static let globalIndexes: Set<String> = [
        "tenant_domains_domain_key", // a domain belongs to one tenant (0001)
        "events_partition_position_key", // consumer groups read a partition across tenants (0030)
        "channel_accounts_id_key", // webhook URLs name a channel by its globally unique id (0040)
        "email_routes_pkey", // an email address delivers to one tenant; SMTP resolves it before a tenant is known (0050)
    ]

    @Test("every table with a tenant_id column has row-level security enabled, forced and a policy")
    func rlsOnEveryTenantTable() async throws {
        try await TestDatabases.with { dbs in
            let offenders = try await dbs.owner.withConnection { connection in
                let rows = try await connection.query("""
                    SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity,
                           (SELECT count(*) FROM pg_policy p WHERE p.polrelid = c.oid)::int
                    FROM pg_class c
                    JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'public'
                      AND c.relkind IN ('r', 'p')
                      AND (EXISTS (SELECT 1 FROM pg_attribute a
                                   WHERE a.attrelid = c.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped)
                           OR c.relname = 'tenants')
                    ORDER BY c.relname
                    """, logger: TestDatabases.logger)
                var tables: [String] = []
                var offenders: [String] = []
                for try await (name, enabled, forced, policies) in rows.decode((String, Bool, Bool, Int).self) {
                    tables.append(name)
                    if !enabled || !forced || policies == 0 {
                        offenders.append("\(name) (enabled: \(enabled), forced: \(forced), policies: \(policies))")
                    }
                }
                #expect(tables.contains("tenant_domains"), "the check must see the tenant tables")
                return offenders
            }
            #expect(offenders.isEmpty, "tables without ENABLE+FORCE RLS and a policy: \(offenders)")
        }
    }

    @Test("every index of a tenant table leads with tenant_id")
    func indexesLeadWithTenant() async throws {
        try await TestDatabases.with { dbs in
            let offenders = try await dbs.owner.withConnection { connection in
                let rows = try await connection.query("""
                    SELECT i.relname
                    FROM pg_index x
                    JOIN pg_class t ON t.oid = x.indrelid
                    JOIN pg_class i ON i.oid = x.indexrelid
                    JOIN pg_namespace n ON n.oid = t.relnamespace
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attname = 'tenant_id' AND NOT a.attisdropped
                    WHERE n.nspname = 'public'
                      AND x.indkey[0] <> a.attnum
                    ORDER BY i.relname
                    """, logger: TestDatabases.logger)
                var names: [String] = []
                for try await name in rows.decode(String.self) where !Self.globalIndexes.contains(name) { names.append(name) }
                return names
            }
            #expect(offenders.isEmpty, "indexes not led by tenant_id: \(offenders)")
        }
    }
}
