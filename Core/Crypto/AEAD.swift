import CSodium

/// XChaCha20-Poly1305 (IETF) authenticated encryption with additional data, from libsodium.
public enum AEAD {
    /// Key length in bytes.
    public static let keyLength = Int(crypto_aead_xchacha20poly1305_ietf_KEYBYTES)
    /// Nonce length in bytes (192 bits: random nonces are safe).
    public static let nonceLength = Int(crypto_aead_xchacha20poly1305_ietf_NPUBBYTES)
    /// Authentication tag length in bytes.
    public static let tagLength = Int(crypto_aead_xchacha20poly1305_ietf_ABYTES)

    /// A ciphertext failed authentication: wrong key, wrong additional data, or tampered bytes.
    public struct AuthenticationFailure: Error, CustomStringConvertible {
        public var description: String { "ciphertext failed authentication" }
    }

    /// Encrypts `plaintext`; returns the ciphertext followed by its tag.
    public static func seal(_ plaintext: [UInt8], key: [UInt8], nonce: [UInt8], additionalData: [UInt8]) -> [UInt8] {
        precondition(key.count == keyLength && nonce.count == nonceLength)
        SecureRandom.initialize()
        var out = [UInt8](repeating: 0, count: plaintext.count + tagLength)
        var written: UInt64 = 0
        plaintext.withUnsafeBufferPointer { message in
            additionalData.withUnsafeBufferPointer { ad in
                _ = crypto_aead_xchacha20poly1305_ietf_encrypt(
                    &out, &written, message.baseAddress, UInt64(message.count),
                    ad.baseAddress, UInt64(ad.count), nil, nonce, key
                )
            }
        }
        return Array(out.prefix(Int(written)))
    }

    /// Decrypts `ciphertext` (with its tag) or throws ``AuthenticationFailure``.
    public static func open(_ ciphertext: [UInt8], key: [UInt8], nonce: [UInt8], additionalData: [UInt8]) throws(AuthenticationFailure) -> [UInt8] {
        guard key.count == keyLength, nonce.count == nonceLength, ciphertext.count >= tagLength else { throw AuthenticationFailure() }
        SecureRandom.initialize()
        var out = [UInt8](repeating: 0, count: ciphertext.count - tagLength)
        var written: UInt64 = 0
        let status = ciphertext.withUnsafeBufferPointer { sealed in
            additionalData.withUnsafeBufferPointer { ad in
                crypto_aead_xchacha20poly1305_ietf_decrypt(
                    &out, &written, nil, sealed.baseAddress!, UInt64(sealed.count),
                    ad.baseAddress, UInt64(ad.count), nonce, key
                )
            }
        }
        guard status == 0 else { throw AuthenticationFailure() }
        return Array(out.prefix(Int(written)))
    }
}
