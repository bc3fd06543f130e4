import Foundation

/// An email channel account's settings (non-secret, in `channel_accounts.settings`) and what follows from them.
///
/// Keys: `address` (required: the support address mail arrives at and is sent from), `aliases` (more addresses,
/// comma-separated), `auto_acknowledge` (`true`: confirm each new ticket by mail), `smtp_host`, `smtp_port`,
/// `smtp_security` (`none`, `starttls`, `starttls_required`, `tls`), `smtp_verify_certificate`, `smtp_username`
/// (the relay; without `smtp_host` the installation's default relay is used), `dkim_domain`, `dkim_selector`,
/// `dkim_algorithm` (`rsa-sha256`, `ed25519-sha256`; the key is the secret `dkim_private_key`),
/// `sender_limit_per_minute` (mail from one sender beyond this is stored but never acknowledged; default 20).
public struct EmailChannelSettings: Sendable, Equatable {
    public var address: String
    public var aliases: [String]
    public var autoAcknowledge: Bool
    public var relay: SMTPRelay?
    public var dkimDomain: String?
    public var dkimSelector: String?
    public var dkimAlgorithm: DKIMSigner.Algorithm
    public var senderLimitPerMinute: Int

    /// Reads the settings of an account.
    public init(_ settings: [String: String], secrets: ChannelSecrets = ChannelSecrets()) throws {
        guard let address = settings["address"].map({ $0.trimmingCharacters(in: .whitespaces).lowercased() }), Self.isAddress(address) else {
            throw MailError.invalid("an email channel needs settings.address, the support address (like support@example.com)")
        }
        self.address = address
        aliases = try (settings["aliases"] ?? "").split(separator: ",").map { alias in
            let value = alias.trimmingCharacters(in: .whitespaces).lowercased()
            guard Self.isAddress(value) else { throw MailError.invalid("aliases: \(value) is not an email address") }
            return value
        }
        autoAcknowledge = settings["auto_acknowledge"] == "true"
        if let host = settings["smtp_host"], !host.isEmpty {
            let security = try settings["smtp_security"].map { value in
                guard let security = SMTPRelay.Security(rawValue: value) else {
                    throw MailError.invalid("smtp_security must be one of \(SMTPRelay.Security.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                return security
            } ?? .starttls
            guard let port = Int(settings["smtp_port"] ?? (security == .tls ? "465" : "587")), (1...65535).contains(port) else {
                throw MailError.invalid("smtp_port must be a port number")
            }
            relay = SMTPRelay(host: host, port: port, security: security, verifyCertificate: settings["smtp_verify_certificate"] != "false",
                              username: settings["smtp_username"], password: secrets.smtpPassword,
                              heloName: String(address.split(separator: "@").last ?? "localhost"))
        } else {
            relay = nil
        }
        dkimDomain = settings["dkim_domain"]
        dkimSelector = settings["dkim_selector"]
        let algorithm = settings["dkim_algorithm"] ?? DKIMSigner.Algorithm.rsaSHA256.rawValue
        guard let parsed = DKIMSigner.Algorithm(rawValue: algorithm) else {
            throw MailError.invalid("dkim_algorithm must be rsa-sha256 or ed25519-sha256")
        }
        dkimAlgorithm = parsed
        guard let limit = Int(settings["sender_limit_per_minute"] ?? "20"), limit > 0 else {
            throw MailError.invalid("sender_limit_per_minute must be a positive number")
        }
        senderLimitPerMinute = limit
    }

    /// Checks settings and secrets before they are stored (a DKIM key must load).
    public static func validate(_ settings: [String: String], secrets: ChannelSecrets) throws {
        let parsed = try EmailChannelSettings(settings, secrets: secrets)
        if let key = secrets.dkimPrivateKey {
            guard let domain = parsed.dkimDomain, let selector = parsed.dkimSelector else {
                throw MailError.invalid("a DKIM key needs settings.dkim_domain and settings.dkim_selector")
            }
            do {
                _ = try DKIMSigner(domain: domain, selector: selector, algorithm: parsed.dkimAlgorithm, privateKey: key)
            } catch {
                throw MailError.invalid("dkim_private_key does not load as a \(parsed.dkimAlgorithm.rawValue) key")
            }
        }
    }

    /// Every address that routes to the account.
    public var addresses: [String] { [address] + aliases.filter { $0 != address } }

    /// The DKIM signer, when a key and its domain and selector are configured.
    public func signer(secrets: ChannelSecrets) throws -> DKIMSigner? {
        guard let key = secrets.dkimPrivateKey, let dkimDomain, let dkimSelector else { return nil }
        return try DKIMSigner(domain: dkimDomain, selector: dkimSelector, algorithm: dkimAlgorithm, privateKey: key)
    }

    /// The domain of the support address.
    public var domain: String { String(address.split(separator: "@").last ?? "") }

    /// The per-ticket reply address: `<local>+<token>@<domain>`.
    public func replyAddress(token: String) -> String {
        let parts = address.split(separator: "@", maxSplits: 1)
        return "\(parts[0])+\(token)@\(parts.count > 1 ? parts[1] : "")"
    }

    /// A plausible address: one `@`, something on both sides, no spaces or angle brackets.
    public static func isAddress(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, parts[1].contains("."), !parts[1].hasPrefix("."), value.utf8.count <= 254 else { return false }
        return !value.contains { $0.isWhitespace || $0 == "<" || $0 == ">" || $0 == "," || $0 == ";" || $0 == "\"" }
    }
}
