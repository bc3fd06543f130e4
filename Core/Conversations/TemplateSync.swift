import Foundation
import Logging
import PostgresNIO

/// Message templates synced from the Graph API (`GET /{waba-id}/message_templates`) into `message_templates`.
public enum TemplateSync {
    /// The job kind that syncs one WhatsApp account's templates.
    public static let jobKind = "maintenance.sync_templates"

    /// One template as the Graph API lists it.
    public struct Remote: Sendable, Equatable {
        public var name: String
        public var language: String
        public var status: String
        public var category: String
        /// The `components` array as JSON text.
        public var components: String

        public init(name: String, language: String, status: String, category: String, components: String) {
            self.name = name
            self.language = language
            self.status = status
            self.category = category
            self.components = components
        }
    }

    /// Replaces the account's templates with `templates` (in the caller's tenant transaction).
    public static func store(_ templates: [Remote], account: UUID, tenant: TenantID, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("DELETE FROM message_templates WHERE channel_account_id = \(account)", logger: logger)
        for template in templates {
            try await connection.checkedQuery("""
                INSERT INTO message_templates (tenant_id, channel_account_id, name, language, status, category, components)
                VALUES (\(tenant.rawValue), \(account), \(template.name), \(template.language), \(template.status), \(template.category),
                        \(template.components)::jsonb)
                ON CONFLICT (tenant_id, channel_account_id, name, language) DO UPDATE
                SET status = excluded.status, category = excluded.category, components = excluded.components, synced_at = now()
                """, logger: logger)
        }
    }
}
