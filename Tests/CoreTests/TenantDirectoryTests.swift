import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Applying tenants")
struct TenantDirectoryTests {
    func definition(_ slug: String, name: String = "Acme", domains: [String] = []) -> TenantDefinition {
        TenantDefinition(sourceFile: "\(slug).yaml", slug: slug, name: name, domains: domains, branding: Branding(displayName: name))
    }

    @Test("apply creates, then leaves unchanged, then updates")
    func idempotent() async throws {
        try await TestDatabases.with { dbs in
            let directory = TenantDirectory(platform: dbs.platform)
            let slug = "apply-\(UInt32.random(in: 0...UInt32.max))"
            #expect(try await directory.apply([definition(slug, domains: ["\(slug).example"])]).map(\.outcome) == [.created])
            #expect(try await directory.apply([definition(slug, domains: ["\(slug).example"])]).map(\.outcome) == [.unchanged])
            #expect(try await directory.apply([definition(slug, name: "Acme Ltd", domains: ["\(slug).example"])]).map(\.outcome) == [.updated])
            #expect(try await directory.apply([definition(slug, name: "Acme Ltd")]).map(\.outcome) == [.updated])
            let tenant = try #require(try await directory.list().first { $0.slug == slug })
            #expect(tenant.name == "Acme Ltd")
            #expect(tenant.domains.isEmpty)
        }
    }

    @Test("a domain owned by another tenant fails the whole apply and writes nothing")
    func allOrNothing() async throws {
        try await TestDatabases.with { dbs in
            let directory = TenantDirectory(platform: dbs.platform)
            let suffix = UInt32.random(in: 0...UInt32.max)
            let taken = "taken-\(suffix).example"
            _ = try await directory.apply([definition("owner-\(suffix)", domains: [taken])])
            await #expect(throws: TenantDirectory.ApplyError.self) {
                try await directory.apply([definition("fresh-\(suffix)"), definition("thief-\(suffix)", domains: [taken])])
            }
            let slugs = try await directory.list().map(\.slug)
            #expect(!slugs.contains("fresh-\(suffix)"))
            #expect(!slugs.contains("thief-\(suffix)"))
        }
    }

    @Test("the host resolver finds slugs and custom domains, ignoring port and case, and nothing else")
    func resolveHosts() async throws {
        try await TestDatabases.with { dbs in
            let directory = TenantDirectory(platform: dbs.platform)
            let slug = "host-\(UInt32.random(in: 0...UInt32.max))"
            _ = try await directory.apply([definition(slug, domains: ["help.\(slug).example"])])
            let resolver = TenantResolver(database: dbs.app, baseDomain: "localhost")
            #expect(try await resolver.resolve(host: "\(slug).localhost:8080")?.slug == slug)
            #expect(try await resolver.resolve(host: "HELP.\(slug.uppercased()).EXAMPLE")?.slug == slug)
            #expect(try await resolver.resolve(host: "other-\(slug).localhost") == nil)
            #expect(try await resolver.resolve(host: "localhost:8080") == nil)
            #expect(try await resolver.resolve(host: "x.\(slug).localhost") == nil)
        }
    }
}
