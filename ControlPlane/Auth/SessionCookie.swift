import Foundation
import Hummingbird

/// The session cookie: `__Host-glavito_session`, HttpOnly, SameSite=Lax, Path=/, no Domain, and Secure. Browsers
/// accept a Secure cookie over TLS and from `localhost` (and `*.localhost`); on plain HTTP elsewhere the `__Host-`
/// prefix is impossible, so the cookie is then named `glavito_session` and not marked Secure.
struct SessionCookie: Sendable {
    /// Whether the control plane is served over TLS (its public URL is https).
    let overTLS: Bool
    /// The name without prefix: `glavito_session` for tenant users, `glavito_platform` for platform operators.
    var baseName = "glavito_session"

    var secureName: String { "__Host-" + baseName }
    var plainName: String { baseName }

    /// Whether responses to `host` may carry a Secure cookie.
    func secure(host: String?) -> Bool {
        if overTLS { return true }
        let name = (host ?? "").split(separator: ":").first.map(String.init)?.lowercased() ?? ""
        return name == "localhost" || name.hasSuffix(".localhost") || name == "127.0.0.1"
    }

    /// The cookie name for `host`.
    func name(host: String?) -> String { secure(host: host) ? secureName : plainName }

    /// A `Set-Cookie` value setting `token`.
    func set(_ token: String, host: String?) -> String {
        "\(name(host: host))=\(token); Path=/; HttpOnly; SameSite=Lax" + (secure(host: host) ? "; Secure" : "")
    }

    /// A `Set-Cookie` value deleting the cookie.
    func clear(host: String?) -> String {
        "\(name(host: host))=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0" + (secure(host: host) ? "; Secure" : "")
    }

    /// The session token a request carries, if any.
    func token(in request: Request) -> String? {
        let wanted = [secureName, plainName]
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                guard parts.count == 2 else { continue }
                let key = parts[0].trimmingCharacters(in: .whitespaces)
                if wanted.contains(key) { return parts[1].trimmingCharacters(in: .whitespaces) }
            }
        }
        return nil
    }
}
