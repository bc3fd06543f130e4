import Foundation
import Logging
import PostgresNIO

/// Cross-tenant administration of tenants, run as the platform role: creating, updating and listing tenants.
///
/// Only the CLI and platform operators use this; request handling never does.
public struct TenantDirectory: Sendable {
    /// What applying one definition did.
    public enum Outcome: String, Sendable, Equatable {
        case created
        case updated
        case unchanged
    }

    /// Why applying failed.
    public struct ApplyError: Error, CustomStringConvertible, Sendable {
        /// The definition file at fault.
        public let file: String
        /// What went wrong.
        public let message: String
        public var description: String { "\(file): \(message)" }
    }

    let platform: Database

    /// Creates a directory over the platform role's connection.
    public init(platform: Database) {
        self.platform = platform
    }

    /// Applies definitions in one transaction: all of them take effect, or none do.
    public func apply(_ definitions: [TenantDefinition]) async throws -> [(slug: String, outcome: Outcome)] {
        try await apply(definitions) { _, _ in }.outcomes
    }

    /// Applies definitions and then runs `then` in the same transaction with the tenants' ids by slug (to apply
    /// what other domains own, such as users and roles): everything takes effect, or nothing does.
    public func apply<Extra: Sendable>(
        _ definitions: [TenantDefinition],
        then: (PostgresConnection, [String: TenantID]) async throws -> Extra
    ) async throws -> (outcomes: [(slug: String, outcome: Outcome)], extra: Extra) {
        let logger = platform.logger
        return try await platform.withTransaction { connection in
            var outcomes: [(slug: String, outcome: Outcome)] = []
            for definition in definitions {
                outcomes.append((definition.slug, try await Self.apply(definition, on: connection, logger: logger)))
            }
            let rows = try await connection.checkedQuery("""
                SELECT slug, id
                FROM tenants
                WHERE slug = ANY(\(definitions.map(\.slug)))
                """, logger: logger)
            var ids: [String: TenantID] = [:]
            for try await (slug, id) in rows.decode((String, UUID).self) { ids[slug] = TenantID(id) }
            return (outcomes, try await then(connection, ids))
        }
    }

    private static func apply(_ definition: TenantDefinition, on connection: PostgresConnection, logger: Logger) async throws -> Outcome {
        let branding = try JSONCoding.encode(definition.branding)
        let settings = try JSONCoding.encode(definition.settings)
        let existing = try await connection.checkedQuery("""
            SELECT id, name, status, plan, branding::text, settings::text
            FROM tenants
            WHERE slug = \(definition.slug)
            FOR UPDATE
            """, logger: logger)
        var current: (UUID, String, String, String, String, String)?
        for try await row in existing.decode((UUID, String, String, String, String, String).self) { current = row }

        let id: UUID
        var outcome: Outcome
        if let current {
            id = current.0
            let sameBranding = (try? JSONCoding.decode(Branding.self, from: current.4)) == definition.branding
            let sameSettings = (try? JSONCoding.decode([String: String].self, from: current.5)) == definition.settings
            let same = current.1 == definition.name && current.2 == definition.status.rawValue
                && current.3 == definition.plan && sameBranding && sameSettings
            outcome = same ? .unchanged : .updated
            if !same {
                try await connection.checkedQuery("""
                    UPDATE tenants
                    SET name = \(definition.name), status = \(definition.status.rawValue), plan = \(definition.plan),
                        branding = \(branding)::jsonb, settings = \(settings)::jsonb, updated_at = now()
                    WHERE id = \(id)
                    """, logger: logger)
            }
        } else {
            let inserted = try await connection.checkedQuery("""
                INSERT INTO tenants (slug, name, status, plan, branding, settings)
                VALUES (\(definition.slug), \(definition.name), \(definition.status.rawValue), \(definition.plan),
                        \(branding)::jsonb, \(settings)::jsonb)
                RETURNING id
                """, logger: logger)
            var newID: UUID?
            for try await value in inserted.decode(UUID.self) { newID = value }
            guard let newID else { throw ApplyError(file: definition.sourceFile, message: "tenant insert returned no id") }
            id = newID
            outcome = .created
        }
        if try await syncDomains(definition, tenant: id, on: connection, logger: logger), outcome == .unchanged {
            outcome = .updated
        }
        return outcome
    }

    /// Makes the tenant's domains exactly the definition's; returns whether anything changed.
    private static func syncDomains(
        _ definition: TenantDefinition, tenant: UUID, on connection: PostgresConnection, logger: Logger
    ) async throws -> Bool {
        let removed = try await connection.checkedQuery("""
            DELETE FROM tenant_domains
            WHERE tenant_id = \(tenant)
              AND NOT (domain = ANY(\(definition.domains)))
            RETURNING domain
            """, logger: logger)
        var changed = false
        for try await _ in removed.decode(String.self) { changed = true }
        for domain in definition.domains {
            let owner = try await connection.checkedQuery("""
                SELECT t.slug FROM tenant_domains d JOIN tenants t ON t.id = d.tenant_id
                WHERE d.domain = \(domain) AND d.tenant_id <> \(tenant)
                """, logger: logger)
            for try await slug in owner.decode(String.self) {
                throw ApplyError(file: definition.sourceFile, message: "domain '\(domain)' already belongs to tenant '\(slug)'")
            }
            let inserted = try await connection.checkedQuery("""
                INSERT INTO tenant_domains (tenant_id, domain)
                VALUES (\(tenant), \(domain))
                ON CONFLICT DO NOTHING
                RETURNING domain
                """, logger: logger)
            for try await _ in inserted.decode(String.self) { changed = true }
        }
        return changed
    }

    /// Every tenant, ordered by slug.
    public func list() async throws -> [Tenant] {
        let logger = platform.logger
        return try await platform.withTransaction { connection in
            let rows = try await connection.checkedQuery("""
                SELECT t.id, t.slug, t.name, t.status, t.plan, t.branding::text, t.settings::text,
                       coalesce(array_agg(d.domain ORDER BY d.domain) FILTER (WHERE d.domain IS NOT NULL), '{}')
                FROM tenants t
                LEFT JOIN tenant_domains d ON d.tenant_id = t.id
                GROUP BY t.id
                ORDER BY t.slug
                """, logger: logger)
            var tenants: [Tenant] = []
            for try await row in rows.decode((UUID, String, String, String, String, String, String, [String]).self) {
                tenants.append(try TenantRow.tenant(from: row))
            }
            return tenants
        }
    }
}
