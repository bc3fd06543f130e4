import Foundation
import PostgresNIO

/// A parsed `postgres://user:password@host:port/database?sslmode=…` connection URL.
///
/// The password is kept out of ``description`` so that a URL can be logged safely.
public struct DatabaseURL: Sendable, CustomStringConvertible {
    /// The server's host name or address.
    public var host: String
    /// The server's port.
    public var port: Int
    /// The role to log in as.
    public var username: String
    /// The role's password, if any.
    public var password: String?
    /// The database name.
    public var database: String
    /// Whether TLS is required, preferred or off (`sslmode`).
    public var tlsMode: TLSMode

    /// TLS use, following libpq's `sslmode` names.
    public enum TLSMode: String, Sendable {
        case disable
        case prefer
        case require
    }

    /// Why a URL could not be parsed.
    public struct ParseError: Error, Sendable {
        /// A sentence that says what is wrong, without the password.
        public let reason: String
    }

    /// Parses a connection URL.
    public init(parsing text: String) throws(ParseError) {
        guard let components = URLComponents(string: text),
              let scheme = components.scheme, ["postgres", "postgresql"].contains(scheme) else {
            throw ParseError(reason: "must be a postgres:// URL")
        }
        guard let host = components.host, !host.isEmpty else { throw ParseError(reason: "has no host") }
        guard let user = components.user, !user.isEmpty else { throw ParseError(reason: "has no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw ParseError(reason: "has no database name") }
        var mode = TLSMode.prefer
        if let value = components.queryItems?.first(where: { $0.name == "sslmode" })?.value {
            guard let parsed = TLSMode(rawValue: value) else {
                throw ParseError(reason: "has an unsupported sslmode '\(value)' (use disable, prefer or require)")
            }
            mode = parsed
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = user.removingPercentEncoding ?? user
        self.password = components.password.map { $0.removingPercentEncoding ?? $0 }
        self.database = database
        self.tlsMode = mode
    }

    /// The URL with its password masked.
    public var description: String {
        "postgres://\(username)\(password == nil ? "" : ":***")@\(host):\(port)/\(database)?sslmode=\(tlsMode.rawValue)"
    }

    /// A postgres-nio client configuration for this URL.
    public func clientConfiguration(maximumConnections: Int) -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch tlsMode {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(.makeClientConfiguration())
        case .require: tls = .require(.makeClientConfiguration())
        }
        var configuration = PostgresClient.Configuration(
            host: host, port: port, username: username, password: password, database: database, tls: tls
        )
        configuration.options.maximumConnections = maximumConnections
        configuration.options.minimumConnections = 0
        return configuration
    }
}
