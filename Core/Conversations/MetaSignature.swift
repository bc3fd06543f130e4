/// Meta's webhook signature: `X-Hub-Signature-256: sha256=<hex HMAC-SHA256(app secret, raw body)>` (WhatsApp Cloud
/// API and Instagram Messaging).
public enum MetaSignature {
    /// The header's value for `body` signed with `appSecret`.
    public static func sign(body: [UInt8], appSecret: String) -> String {
        "sha256=" + Hashing.hex(WebhookSignature.hmacSHA256(key: Array(appSecret.utf8), message: body))
    }

    /// Whether `header` (the `X-Hub-Signature-256` value) is the signature of the raw `body` under `appSecret`,
    /// compared in constant time; hex digits in either case. `false` for a missing or malformed header.
    public static func verify(header: String?, body: [UInt8], appSecret: String) -> Bool {
        guard let header else { return false }
        let value = header.trimmingWhitespace()
        let prefix = "sha256="
        guard value.count == prefix.count + 64, value.lowercased().hasPrefix(prefix) else { return false }
        guard let mac = Hashing.bytes(hex: String(value.dropFirst(prefix.count))) else { return false }
        return ConstantTime.equal(mac, WebhookSignature.hmacSHA256(key: Array(appSecret.utf8), message: body))
    }
}
