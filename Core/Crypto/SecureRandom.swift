import CSodium

/// Cryptographically secure random bytes and tokens from libsodium.
public enum SecureRandom {
    /// Initialises libsodium; safe to call many times, from any thread.
    public static func initialize() {
        precondition(sodium_init() >= 0, "libsodium failed to initialise")
    }

    /// `count` random bytes.
    public static func bytes(_ count: Int) -> [UInt8] {
        initialize()
        var buffer = [UInt8](repeating: 0, count: count)
        buffer.withUnsafeMutableBytes { randombytes_buf($0.baseAddress!, count) }
        return buffer
    }

    /// A URL-safe random token carrying `byteCount` random bytes (base64url, no padding).
    public static func token(byteCount: Int = 32) -> String {
        let raw = bytes(byteCount)
        let length = sodium_base64_encoded_len(raw.count, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        var output = [CChar](repeating: 0, count: length)
        raw.withUnsafeBufferPointer { input in
            _ = sodium_bin2base64(&output, length, input.baseAddress, input.count, sodium_base64_VARIANT_URLSAFE_NO_PADDING)
        }
        return String(decoding: output.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
