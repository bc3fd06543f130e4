import Foundation
import GlavitoCore
import Logging

/// Running clients for the three database roles of the test cluster, and fresh tenants to test in.
public struct TestDatabases: Sendable {
    /// The application role: row-level security applies.
    public let app: Database
    /// The platform role: bypasses row-level security.
    public let platform: Database
    /// The schema owner.
    public let owner: Database

    /// A quiet logger for tests.
    public static var logger: Logger {
        var logger = Logger(label: "glavito.test")
        logger.logLevel = .warning
        return logger
    }

    /// Runs `body` with running clients (pool size `poolSize` each); the schema must be current (`make test` migrates).
    public static func with<Result: Sendable>(
        poolSize: Int = 4,
        _ body: @Sendable (TestDatabases) async throws -> Result
    ) async throws -> Result {
        let appURL = try TestEnvironment.appURL()
        let platformURL = try TestEnvironment.platformURL()
        let ownerURL = try TestEnvironment.ownerURL()
        let logger = logger
        return try await Database.withRunning(url: appURL, poolSize: poolSize, logger: logger) { app in
            try await Database.withRunning(url: platformURL, poolSize: poolSize, logger: logger) { platform in
                try await Database.withRunning(url: ownerURL, poolSize: 2, logger: logger) { owner in
                    try await Migrator.checkSchema(of: owner, expected: MigrationCatalog.expectedVersion())
                    return try await body(TestDatabases(app: app, platform: platform, owner: owner))
                }
            }
        }
    }

    /// A new tenant with a random slug, created as the platform role.
    public func makeTenant(prefix: String = "t") async throws -> (id: TenantID, slug: String) {
        let slug = "\(prefix)-\(UUID().uuidString.lowercased().prefix(12))"
        let definition = TenantDefinition(sourceFile: "test", slug: slug, name: "Tenant \(slug)", branding: Branding(displayName: slug))
        _ = try await TenantDirectory(platform: platform).apply([definition])
        guard let tenant = try await TenantDirectory(platform: platform).list().first(where: { $0.slug == slug }) else {
            throw TestEnvironment.NotConfigured(key: "tenant \(slug) was not created")
        }
        return (tenant.id, slug)
    }
}
