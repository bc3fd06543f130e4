import Foundation
import Logging
import PostgresNIO

/// Applies the `channels:` of tenant files: each channel account is created, or updated in place (matched by kind
/// and external id, web chat by name), with its secrets read from the environment variables the file names.
public struct TenantChannelsApplier: Sendable {
    /// Tenant data keys, sealing the secrets.
    public let keyRing: TenantKeyRing

    /// Creates an applier.
    public init(keyRing: TenantKeyRing) {
        self.keyRing = keyRing
    }

    /// A channel ready to apply: the definition with its settings and secrets resolved.
    public struct Resolved: Sendable {
        public var slug: String
        public var definition: TenantChannelDefinition
        public var settings: [String: String]
        public var secrets: ChannelSecrets
    }

    /// Resolves `${NAME}` settings and the secrets from `environment`; throws naming the first missing variable.
    public static func resolve(_ definitions: [TenantDefinition], environment: [String: String]) throws -> [Resolved] {
        var out: [Resolved] = []
        for tenant in definitions {
            for channel in tenant.channels {
                func lookup(_ name: String) throws -> String {
                    guard let value = environment[name], !value.isEmpty else {
                        throw ConversationError.invalid("\(tenant.sourceFile): channel '\(channel.name)' needs the environment variable \(name)")
                    }
                    return value
                }
                var settings: [String: String] = [:]
                for (key, value) in channel.settings {
                    settings[key] = value.hasPrefix("${") && value.hasSuffix("}") ? try lookup(String(value.dropFirst(2).dropLast())) : value
                }
                let secrets = ChannelSecrets(accessToken: try channel.secretsEnv["access_token"].map(lookup),
                                             appSecret: try channel.secretsEnv["app_secret"].map(lookup),
                                             verifyToken: try channel.secretsEnv["verify_token"].map(lookup),
                                             smtpPassword: try channel.secretsEnv["smtp_password"].map(lookup),
                                             dkimPrivateKey: try channel.secretsEnv["dkim_private_key"].map(lookup))
                out.append(Resolved(slug: tenant.slug, definition: channel, settings: settings, secrets: secrets))
            }
        }
        return out
    }

    /// Creates or updates each channel in its tenant (binding the tenant on `connection`, inside the caller's
    /// transaction). Returns `(slug, channel name, created)` per channel.
    public func apply(_ resolved: [Resolved], tenantIDs: [String: TenantID], on connection: PostgresConnection,
                      logger: Logger) async throws -> [(slug: String, name: String, id: UUID, created: Bool)] {
        var out: [(slug: String, name: String, id: UUID, created: Bool)] = []
        for item in resolved {
            guard let tenant = tenantIDs[item.slug] else { throw ConversationError.notFound("tenant \(item.slug) does not exist") }
            try await connection.checkedQuery("SELECT glavito_bind_tenant(\(tenant.rawValue))", logger: logger)
            guard let kind = ChannelKind(rawValue: item.definition.kind) else { throw ConversationError.invalid("unknown channel kind") }
            let store = ChannelAccountStore(tenant: tenant, keyRing: keyRing)
            let existing = try await store.list(on: connection, logger: logger).first {
                $0.kind == kind && (kind == .webchat || kind == .email ? $0.name == item.definition.name : $0.externalID == item.definition.externalID)
            }
            if let existing {
                let secrets = item.secrets.names.isEmpty ? nil : item.secrets
                _ = try await store.update(existing.id, name: item.definition.name, settings: item.settings, enabled: true, secrets: secrets,
                                           on: connection, logger: logger)
                out.append((item.slug, item.definition.name, existing.id, false))
            } else {
                let created = try await store.create(kind: kind, name: item.definition.name, externalID: item.definition.externalID,
                                                     settings: item.settings, secrets: item.secrets, on: connection, logger: logger)
                out.append((item.slug, item.definition.name, created.id, true))
            }
        }
        return out
    }
}
