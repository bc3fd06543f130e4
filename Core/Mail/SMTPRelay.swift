/// Where and how outbound mail is handed over: an SMTP relay (the tenant's own, or the installation's default).
public struct SMTPRelay: Sendable, Equatable {
    /// How the connection is protected.
    public enum Security: String, Sendable, Equatable, CaseIterable {
        /// Plain SMTP (a relay on the same host or in a private network).
        case none
        /// STARTTLS when the relay offers it, plain otherwise.
        case starttls
        /// STARTTLS, and refuse to send when the relay does not offer it.
        case starttlsRequired = "starttls_required"
        /// TLS from the first byte (port 465, "SMTPS").
        case tls
    }

    public var host: String
    public var port: Int
    public var security: Security
    /// Verify the relay's certificate chain and host name (on by default).
    public var verifyCertificate: Bool
    /// AUTH PLAIN / LOGIN credentials, when the relay needs them.
    public var username: String?
    public var password: String?
    /// The name we greet with in EHLO.
    public var heloName: String
    /// How long the whole conversation with the relay may take.
    public var timeout: Duration

    /// Creates a relay description.
    public init(host: String, port: Int, security: Security = .starttls, verifyCertificate: Bool = true, username: String? = nil,
                password: String? = nil, heloName: String = "glavito.localhost", timeout: Duration = .seconds(120)) {
        self.host = host
        self.port = port
        self.security = security
        self.verifyCertificate = verifyCertificate
        self.username = username
        self.password = password
        self.heloName = heloName
        self.timeout = timeout
    }
}
