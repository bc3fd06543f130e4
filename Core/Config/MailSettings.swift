/// The SMTP listener and the default outbound relay, from `GLAVITO_SMTP_*` (documented in docs/configuration.md
/// and docs/email.md).
public struct MailSettings: Sendable, Equatable {
    /// Address the SMTP listener binds to (`GLAVITO_SMTP_HOST`, default the HTTP host).
    public var host = "127.0.0.1"
    /// Its port (`GLAVITO_SMTP_PORT`, default `2525`; `0`: no listener).
    public var port = 2525
    /// The name in our greeting and `Received:` lines (`GLAVITO_SMTP_HOSTNAME`, default the base domain).
    public var hostname = "localhost"
    /// Largest message accepted, in bytes (`GLAVITO_SMTP_MAX_MESSAGE_BYTES`, default 25 MiB).
    public var maxMessageBytes = 25 * 1024 * 1024
    /// Most recipients of one message (`GLAVITO_SMTP_MAX_RECIPIENTS`, default `100`).
    public var maxRecipients = 100
    /// Messages one envelope sender may deliver per minute to one listener before getting 451 (`GLAVITO_SMTP_SENDER_PER_MINUTE`,
    /// default `60`).
    public var senderPerMinute = 60
    /// Most SMTP connections at once per listener (`GLAVITO_SMTP_MAX_CONNECTIONS`, default `200`).
    public var maxConnections = 200
    /// PEM certificate chain and key for STARTTLS (`GLAVITO_SMTP_TLS_CERT`, `GLAVITO_SMTP_TLS_KEY`); without
    /// them STARTTLS is not offered.
    public var tlsCertificatePath: String?
    public var tlsKeyPath: String?
    /// The relay for email channels that name none (`GLAVITO_SMTP_RELAY_HOST`, `_PORT` default 587, `_SECURITY`
    /// default `starttls`, `_USERNAME`, `_PASSWORD`, `_VERIFY` default on).
    public var relayHost: String?
    public var relayPort = 587
    public var relaySecurity = "starttls"
    public var relayUsername: String?
    public var relayPassword: String?
    public var relayVerifyCertificate = true

    /// The defaults.
    public init() {}

    static func load(from reader: EnvironmentReader, host: String, baseDomain: String) throws(ConfigError) -> MailSettings {
        var settings = MailSettings()
        settings.host = try reader.string("GLAVITO_SMTP_HOST", default: host)
        settings.port = try reader.int("GLAVITO_SMTP_PORT", default: 2525, range: 0...65535)
        settings.hostname = try reader.string("GLAVITO_SMTP_HOSTNAME", default: baseDomain)
        settings.maxMessageBytes = try reader.int("GLAVITO_SMTP_MAX_MESSAGE_BYTES", default: 25 * 1024 * 1024, range: 1024...(512 * 1024 * 1024))
        settings.maxRecipients = try reader.int("GLAVITO_SMTP_MAX_RECIPIENTS", default: 100, range: 1...10_000)
        settings.senderPerMinute = try reader.int("GLAVITO_SMTP_SENDER_PER_MINUTE", default: 60, range: 1...1_000_000)
        settings.maxConnections = try reader.int("GLAVITO_SMTP_MAX_CONNECTIONS", default: 200, range: 1...100_000)
        settings.tlsCertificatePath = reader.optional("GLAVITO_SMTP_TLS_CERT")
        settings.tlsKeyPath = reader.optional("GLAVITO_SMTP_TLS_KEY")
        if (settings.tlsCertificatePath == nil) != (settings.tlsKeyPath == nil) {
            throw ConfigError(key: "GLAVITO_SMTP_TLS_CERT", problem: "and GLAVITO_SMTP_TLS_KEY must be set together")
        }
        settings.relayHost = reader.optional("GLAVITO_SMTP_RELAY_HOST")
        settings.relayPort = try reader.int("GLAVITO_SMTP_RELAY_PORT", default: 587, range: 1...65535)
        settings.relaySecurity = try reader.string("GLAVITO_SMTP_RELAY_SECURITY", default: "starttls")
        guard ["none", "starttls", "starttls_required", "tls"].contains(settings.relaySecurity) else {
            throw ConfigError(key: "GLAVITO_SMTP_RELAY_SECURITY", problem: "must be none, starttls, starttls_required or tls")
        }
        settings.relayUsername = reader.optional("GLAVITO_SMTP_RELAY_USERNAME")
        settings.relayPassword = reader.optional("GLAVITO_SMTP_RELAY_PASSWORD")
        settings.relayVerifyCertificate = try reader.bool("GLAVITO_SMTP_RELAY_VERIFY", default: true)
        return settings
    }

    /// The default relay, when one is configured.
    public var defaultRelay: SMTPRelay? {
        guard let relayHost else { return nil }
        return SMTPRelay(host: relayHost, port: relayPort, security: SMTPRelay.Security(rawValue: relaySecurity) ?? .starttls,
                         verifyCertificate: relayVerifyCertificate, username: relayUsername, password: relayPassword, heloName: hostname)
    }
}
