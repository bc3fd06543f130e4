import CSodium

/// Digests and keyed hashes from libsodium.
public enum Hashing {
    /// SHA-256 of `data`.
    public static func sha256(_ data: [UInt8]) -> [UInt8] {
        SecureRandom.initialize()
        var out = [UInt8](repeating: 0, count: Int(crypto_hash_sha256_BYTES))
        data.withUnsafeBufferPointer { _ = crypto_hash_sha256(&out, $0.baseAddress, UInt64($0.count)) }
        return out
    }

    /// SHA-256 of the UTF-8 bytes of `text`.
    public static func sha256(_ text: String) -> [UInt8] { sha256(Array(text.utf8)) }

    /// BLAKE2b of `data` with an optional `key` (16 to 64 bytes), `length` bytes long (16 to 64).
    public static func blake2b(_ data: [UInt8], key: [UInt8] = [], length: Int = 32) -> [UInt8] {
        SecureRandom.initialize()
        var out = [UInt8](repeating: 0, count: length)
        data.withUnsafeBufferPointer { input in
            key.withUnsafeBufferPointer { keyBytes in
                _ = crypto_generichash(&out, length, input.baseAddress, UInt64(input.count),
                                       key.isEmpty ? nil : keyBytes.baseAddress, key.count)
            }
        }
        return out
    }

    /// A 32-byte subkey of `key` for `purpose` (libsodium's BLAKE2b KDF; `context` is 8 ASCII characters).
    public static func deriveKey(from key: [UInt8], id: UInt64, context: String) -> [UInt8] {
        precondition(key.count == Int(crypto_kdf_KEYBYTES) && context.utf8.count == Int(crypto_kdf_CONTEXTBYTES))
        SecureRandom.initialize()
        var out = [UInt8](repeating: 0, count: 32)
        _ = crypto_kdf_derive_from_key(&out, 32, id, context, key)
        return out
    }

    /// Lower-case hexadecimal.
    public static func hex(_ bytes: [UInt8]) -> String {
        String(unsafeUninitializedCapacity: bytes.count * 2) { buffer in
            for (index, byte) in bytes.enumerated() {
                buffer[index * 2] = hexDigits[Int(byte >> 4)]
                buffer[index * 2 + 1] = hexDigits[Int(byte & 0x0F)]
            }
            return bytes.count * 2
        }
    }

    static let hexDigits = Array("0123456789abcdef".utf8)

    /// Bytes from hexadecimal text (either case), or `nil` for anything else (signs, spaces, an odd length).
    public static func bytes(hex: String) -> [UInt8]? {
        let digits = Array(hex.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(digits.count / 2)
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            out.append(high << 4 | low)
        }
        return out
    }

    /// The value of one hex digit (either case).
    static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
