import Foundation
import Logging
import PostgresNIO

/// A tenant's channel accounts. Every method runs on a connection in a transaction bound to the tenant (row-level
/// security applies; the queries also name the tenant, so `glavito tenants apply`, which runs as the platform role,
/// never sees another tenant's accounts); secrets are sealed with the tenant's data key and read back only by ``secrets(of:on:logger:)``.
public struct ChannelAccountStore: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys, sealing the secrets.
    public let keyRing: TenantKeyRing

    /// Creates a store for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    static let columns = "id, kind, name, external_id, settings::text, enabled, secrets_sealed IS NOT NULL, created_at"
    typealias Row = (UUID, String, String, String?, String, Bool, Bool, Date)

    func decode(_ rows: PostgresRowSequence, on connection: PostgresConnection, logger: Logger) async throws -> [ChannelAccount] {
        var raw: [Row] = []
        for try await row in rows.decode(Row.self) { raw.append(row) }
        var out: [ChannelAccount] = []
        for r in raw {
            let settings = (try? JSONCoding.decode([String: String].self, from: r.4)) ?? [:]
            let names = r.6 ? try await secrets(of: r.0, on: connection, logger: logger).names : []
            out.append(ChannelAccount(id: r.0, kind: ChannelKind(rawValue: r.1) ?? .webchat, name: r.2, externalID: r.3,
                                      settings: settings, enabled: r.5, secretsSet: names, createdAt: r.7))
        }
        return out
    }

    func context(_ id: UUID) -> FieldContext {
        FieldContext(tenant: tenant, table: "channel_accounts", column: "secrets_sealed", row: id.uuidString.lowercased())
    }

    /// Connects a channel. WhatsApp and Instagram need the account id and the three secrets.
    public func create(kind: ChannelKind, name: String, externalID: String?, settings: [String: String], secrets: ChannelSecrets,
                       id: UUID = UUID(), on connection: PostgresConnection, logger: Logger) async throws -> ChannelAccount {
        try Self.validate(kind: kind, name: name, externalID: externalID, secrets: secrets)
        if kind == .email { try EmailChannelSettings.validate(settings, secrets: secrets) }
        let sealed = try await seal(secrets, id: id, on: connection, logger: logger)
        let rows = try await connection.checkedQuery("""
            INSERT INTO channel_accounts (tenant_id, id, kind, name, external_id, settings, secrets_sealed)
            VALUES (\(tenant.rawValue), \(id), \(kind.rawValue), \(name), \(externalID),
                    \(try JSONCoding.encode(settings))::jsonb, \(sealed.map(PostgresByteArray.init)))
            ON CONFLICT DO NOTHING
            RETURNING \(unescaped: Self.columns)
            """, logger: logger)
        guard let created = try await decode(rows, on: connection, logger: logger).first else {
            throw ConversationError.conflict("a \(kind.rawValue) channel with id \(externalID ?? id.uuidString) is already connected")
        }
        if kind == .email { try await EmailRoutes(tenant: tenant).sync(created, on: connection, logger: logger) }
        return created
    }

    /// Every channel account, oldest first.
    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [ChannelAccount] {
        let rows = try await connection.checkedQuery("SELECT \(unescaped: Self.columns) FROM channel_accounts WHERE tenant_id = \(tenant.rawValue) ORDER BY created_at, id", logger: logger)
        return try await decode(rows, on: connection, logger: logger)
    }

    /// One channel account.
    public func get(_ id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ChannelAccount {
        let rows = try await connection.checkedQuery("SELECT \(unescaped: Self.columns) FROM channel_accounts WHERE tenant_id = \(tenant.rawValue) AND id = \(id)", logger: logger)
        guard let found = try await decode(rows, on: connection, logger: logger).first else {
            throw ConversationError.notFound("no channel account \(id.uuidString.lowercased()) in this workspace")
        }
        return found
    }

    /// Changes name, settings (merged key by key; an empty value removes the key), enabled, and secrets (each given
    /// secret replaces the stored one).
    public func update(_ id: UUID, name: String?, settings: [String: String]?, enabled: Bool?, secrets: ChannelSecrets?,
                       on connection: PostgresConnection, logger: Logger) async throws -> ChannelAccount {
        let current = try await get(id, on: connection, logger: logger)
        var merged = current.settings
        for (key, value) in settings ?? [:] { merged[key] = value.isEmpty ? nil : value }
        var newSecrets = try await self.secrets(of: id, on: connection, logger: logger)
        if let secrets {
            newSecrets.accessToken = secrets.accessToken ?? newSecrets.accessToken
            newSecrets.appSecret = secrets.appSecret ?? newSecrets.appSecret
            newSecrets.verifyToken = secrets.verifyToken ?? newSecrets.verifyToken
            newSecrets.smtpPassword = secrets.smtpPassword ?? newSecrets.smtpPassword
            newSecrets.dkimPrivateKey = secrets.dkimPrivateKey ?? newSecrets.dkimPrivateKey
        }
        let newName = name ?? current.name
        try Self.validate(kind: current.kind, name: newName, externalID: current.externalID, secrets: newSecrets)
        if current.kind == .email { try EmailChannelSettings.validate(merged, secrets: newSecrets) }
        let sealed = try await seal(newSecrets, id: id, on: connection, logger: logger)
        try await connection.checkedQuery("""
            UPDATE channel_accounts
            SET name = \(newName), settings = \(try JSONCoding.encode(merged))::jsonb, enabled = \(enabled ?? current.enabled),
                secrets_sealed = \(sealed.map(PostgresByteArray.init)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(id)
            """, logger: logger)
        let updated = try await get(id, on: connection, logger: logger)
        if updated.kind == .email { try await EmailRoutes(tenant: tenant).sync(updated, on: connection, logger: logger) }
        return updated
    }

    /// The account's secrets in plain text (for the webhook verification and the send jobs; never for the API).
    public func secrets(of id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> ChannelSecrets {
        let rows = try await connection.checkedQuery("SELECT secrets_sealed FROM channel_accounts WHERE tenant_id = \(tenant.rawValue) AND id = \(id)", logger: logger)
        for try await sealed in rows.decode(PostgresByteArray?.self) {
            guard let sealed else { return ChannelSecrets() }
            let plain = try await keyRing.cipher(for: tenant, on: connection, logger: logger).open(sealed.bytes, context: context(id))
            return try JSONDecoder().decode(ChannelSecrets.self, from: Data(plain))
        }
        throw ConversationError.notFound("no channel account \(id.uuidString.lowercased()) in this workspace")
    }

    func seal(_ secrets: ChannelSecrets, id: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [UInt8]? {
        guard !secrets.names.isEmpty else { return nil }
        let plain = Array(try JSONEncoder().encode(secrets))
        return try await keyRing.cipher(for: tenant, on: connection, logger: logger).seal(plain, context: context(id))
    }

    static func validate(kind: ChannelKind, name: String, externalID: String?, secrets: ChannelSecrets) throws {
        let trimmed = name.trimmingCharacters(in: .whitespaces)
        guard (1...200).contains(trimmed.count) else { throw ConversationError.invalid("name must be 1 to 200 characters") }
        switch kind {
        case .whatsapp, .instagram:
            guard let externalID, !externalID.isEmpty, externalID.count <= 64,
                  externalID.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }) else {
                throw ConversationError.invalid(kind == .whatsapp ? "external_id must be the WhatsApp phone number id"
                                                                 : "external_id must be the Instagram account id")
            }
            let missing = ["access_token", "app_secret", "verify_token"].filter { !secrets.names.contains($0) }
            guard missing.isEmpty else {
                throw ConversationError.invalid("a \(kind.rawValue) channel needs the secrets \(missing.joined(separator: ", "))")
            }
        case .webchat, .email:
            break
        }
    }

    /// Finds a webhook's channel by its id alone, before any tenant is bound: its tenant, kind and whether it takes
    /// webhooks (enabled, tenant active). `nil` when no channel has that id.
    public static func resolve(_ channel: UUID, database: Database) async throws -> (tenant: TenantID, kind: ChannelKind, enabled: Bool)? {
        try await database.withConnection { connection in
            let rows = try await connection.checkedQuery("SELECT tenant_id, kind, enabled FROM glavito_resolve_channel(\(channel))",
                                                  logger: database.logger)
            for try await (tenant, kind, enabled) in rows.decode((UUID, String, Bool).self) {
                guard let kind = ChannelKind(rawValue: kind) else { return nil }
                return (TenantID(tenant), kind, enabled)
            }
            return nil
        }
    }
}
