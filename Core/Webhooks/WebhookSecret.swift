import Foundation

/// A subscription's signing secret: random bytes, shown to the admin once as `whsec_<base64>` (the Standard
/// Webhooks form that receivers' libraries accept), stored sealed with the tenant's data key.
public struct WebhookSecret: Sendable, Equatable {
    /// The HMAC key.
    public let bytes: [UInt8]

    /// The prefix of the textual form.
    public static let prefix = "whsec_"

    /// Wraps raw key bytes.
    public init(bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Parses `whsec_<base64>` (or bare base64); `nil` when it is not valid base64 or empty.
    public init?(encoded: String) {
        let body = encoded.hasPrefix(Self.prefix) ? String(encoded.dropFirst(Self.prefix.count)) : encoded
        guard let data = Data(base64Encoded: body), !data.isEmpty else { return nil }
        self.bytes = Array(data)
    }

    /// A fresh 32-byte secret.
    public static func generate() -> WebhookSecret {
        WebhookSecret(bytes: SecureRandom.bytes(32))
    }

    /// `whsec_<base64>`.
    public var encoded: String { Self.prefix + Data(bytes).base64EncodedString() }
}
