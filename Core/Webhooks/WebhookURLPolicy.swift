import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Which URLs a subscription may target: http or https only, no credentials in the URL, and (unless
/// `GLAVITO_WEBHOOKS_ALLOW_PRIVATE` is on) no loopback, private, link-local, CGNAT or unspecified addresses, so a
/// tenant cannot make the worker fleet call internal services (SSRF). Checked at creation and again before every
/// attempt, on the addresses the host resolves to.
public enum WebhookURLPolicy {
    /// Why a URL is refused.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        /// A safe, user-facing reason.
        public let description: String
    }

    /// Checks the URL's form and, unless `allowPrivate`, a literal host; returns the parsed URL.
    @discardableResult
    public static func validate(_ text: String, allowPrivate: Bool) throws(Refusal) -> URL {
        guard text.utf8.count <= 2000, let components = URLComponents(string: text),
              let scheme = components.scheme?.lowercased(), let host = components.host, !host.isEmpty,
              let url = components.url else {
            throw Refusal(description: "the URL must be an absolute http or https URL")
        }
        guard scheme == "http" || scheme == "https" else { throw Refusal(description: "only http and https URLs are allowed") }
        guard components.user == nil, components.password == nil else {
            throw Refusal(description: "credentials in the URL are not allowed; verify our signature instead")
        }
        if !allowPrivate {
            let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
            if bare == "localhost" || bare.hasSuffix(".localhost") || bare.hasSuffix(".internal") || isPrivate(address: bare) {
                throw Refusal(description: "the URL points at a private or local address")
            }
        }
        return url
    }

    /// Resolves `host` (blocking; call off the event loops) and throws when any address it resolves to is private.
    public static func checkResolved(host: String) throws(Refusal) {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else {
            throw Refusal(description: "the host \(host) does not resolve")
        }
        defer { freeaddrinfo(first) }
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0, NI_NUMERICHOST) == 0 {
                let address = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
                if isPrivate(address: address) { throw Refusal(description: "the host \(host) resolves to a private or local address") }
            }
            cursor = entry.pointee.ai_next
        }
    }

    /// Whether a numeric IPv4 or IPv6 address is loopback, private, link-local, CGNAT, unspecified or multicast.
    /// Names that are not numeric addresses return false.
    public static func isPrivate(address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 {
            let value = UInt32(bigEndian: v4.s_addr)
            let (a, b) = (value >> 24, (value >> 16) & 0xFF)
            return a == 0 || a == 10 || a == 127 || (a == 100 && (64...127).contains(b)) || (a == 169 && b == 254)
                || (a == 172 && (16...31).contains(b)) || (a == 192 && b == 168) || a >= 224
        }
        var v6 = in6_addr()
        if inet_pton(AF_INET6, address, &v6) == 1 {
            let bytes = withUnsafeBytes(of: v6) { Array($0) }
            if bytes[0..<15].allSatisfy({ $0 == 0 }) && (bytes[15] == 0 || bytes[15] == 1) { return true } // :: and ::1
            if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF {  // IPv4-mapped
                return isPrivate(address: bytes[12..<16].map(String.init).joined(separator: "."))
            }
            return bytes[0] & 0xFE == 0xFC || (bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80) || bytes[0] == 0xFF
        }
        return false
    }
}
