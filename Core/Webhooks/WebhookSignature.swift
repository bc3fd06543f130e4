import CSodium
import Foundation

/// Standard Webhooks signatures: `v1,<base64 HMAC-SHA256(secret, "<id>.<timestamp>.<body>")>`, sent in the
/// `webhook-signature` header together with `webhook-id` and `webhook-timestamp`.
public enum WebhookSignature {
    /// HMAC-SHA256 of `message` under `key` (libsodium's `crypto_auth_hmacsha256`, any key length).
    public static func hmacSHA256(key: [UInt8], message: [UInt8]) -> [UInt8] {
        SecureRandom.initialize()
        var state = crypto_auth_hmacsha256_state()
        var out = [UInt8](repeating: 0, count: Int(crypto_auth_hmacsha256_BYTES))
        // HMAC pads the key with zeros to the block size, so an empty key is the same as one zero byte.
        let keyBytes = key.isEmpty ? [0] : key
        keyBytes.withUnsafeBufferPointer { _ = crypto_auth_hmacsha256_init(&state, $0.baseAddress!, $0.count) }
        message.withUnsafeBufferPointer { buffer in
            if let base = buffer.baseAddress { _ = crypto_auth_hmacsha256_update(&state, base, UInt64(buffer.count)) }
        }
        _ = crypto_auth_hmacsha256_final(&state, &out)
        return out
    }

    /// The `webhook-signature` value for message `id` sent at `timestamp` (seconds since 1970) with `body`.
    public static func sign(secret: WebhookSecret, id: String, timestamp: Int64, body: String) -> String {
        let mac = hmacSHA256(key: secret.bytes, message: Array("\(id).\(timestamp).\(body)".utf8))
        return "v1," + Data(mac).base64EncodedString()
    }

    /// Whether any `v1` signature in the space-separated `header` matches, compared in constant time.
    /// Receivers should also reject timestamps far from their clock (the reference libraries allow 5 minutes).
    public static func verify(secret: WebhookSecret, id: String, timestamp: Int64, body: String, header: String) -> Bool {
        let expected = hmacSHA256(key: secret.bytes, message: Array("\(id).\(timestamp).\(body)".utf8))
        for candidate in header.split(separator: " ") {
            let parts = candidate.split(separator: ",", maxSplits: 1)
            guard parts.count == 2, parts[0] == "v1", let mac = Data(base64Encoded: String(parts[1])) else { continue }
            if ConstantTime.equal(Array(mac), expected) { return true }
        }
        return false
    }
}
