import Foundation

/// A tenant's connection to a messaging channel: a WhatsApp phone number, an Instagram account or a web chat
/// widget. Secrets are never part of it (see ``ChannelSecrets``).
public struct ChannelAccount: Sendable, Codable, Equatable {
    public var id: UUID
    public var kind: ChannelKind
    public var name: String
    /// WhatsApp phone number id, Instagram account id; `nil` for web chat.
    public var externalID: String?
    /// Non-secret settings: `waba_id`, `display_phone_number`, `api_base_url` (the Graph API, for tests and demos).
    public var settings: [String: String]
    public var enabled: Bool
    /// Which secrets are stored (their names only).
    public var secretsSet: [String]
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, kind, name, settings, enabled
        case externalID = "external_id"
        case secretsSet = "secrets_set"
        case createdAt = "created_at"
    }

    public init(id: UUID, kind: ChannelKind, name: String, externalID: String?, settings: [String: String], enabled: Bool,
                secretsSet: [String], createdAt: Date) {
        self.id = id
        self.kind = kind
        self.name = name
        self.externalID = externalID
        self.settings = settings
        self.enabled = enabled
        self.secretsSet = secretsSet
        self.createdAt = createdAt
    }

    /// The Graph API base URL (with version) this account talks to.
    public var graphBaseURL: String {
        settings["api_base_url"] ?? "https://graph.facebook.com/v21.0"
    }
}

/// A channel account's secrets, sealed together with the tenant's data key; write-only through the API.
public struct ChannelSecrets: Sendable, Codable, Equatable {
    /// The Graph API access token (WhatsApp system user token, Instagram page/user token).
    public var accessToken: String?
    /// The Meta app secret that signs webhooks (`X-Hub-Signature-256`).
    public var appSecret: String?
    /// The token Meta echoes in the GET verification handshake.
    public var verifyToken: String?
    /// Email: the SMTP relay's password.
    public var smtpPassword: String?
    /// Email: the DKIM private key (PEM RSA key, or the base64 Ed25519 seed).
    public var dkimPrivateKey: String?

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token"
        case appSecret = "app_secret"
        case verifyToken = "verify_token"
        case smtpPassword = "smtp_password"
        case dkimPrivateKey = "dkim_private_key"
    }

    public init(accessToken: String? = nil, appSecret: String? = nil, verifyToken: String? = nil, smtpPassword: String? = nil,
                dkimPrivateKey: String? = nil) {
        self.accessToken = accessToken
        self.appSecret = appSecret
        self.verifyToken = verifyToken
        self.smtpPassword = smtpPassword
        self.dkimPrivateKey = dkimPrivateKey
    }

    /// The names of the secrets that are set.
    public var names: [String] {
        [accessToken.map { _ in "access_token" }, appSecret.map { _ in "app_secret" }, verifyToken.map { _ in "verify_token" },
         smtpPassword.map { _ in "smtp_password" }, dkimPrivateKey.map { _ in "dkim_private_key" }]
            .compactMap { $0 }
    }
}
