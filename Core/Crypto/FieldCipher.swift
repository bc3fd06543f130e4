/// Encrypts and decrypts one tenant's field values with that tenant's data key.
///
/// A sealed value is `0x01 ‖ key version (4 bytes, big-endian) ‖ nonce (24) ‖ ciphertext ‖ tag (16)`; the version
/// names the tenant data key, so keys can be added without rewriting old rows.
public struct FieldCipher: Sendable {
    /// The tenant data key.
    public let key: TenantDataKey

    /// Format byte of sealed values.
    public static let formatVersion: UInt8 = 1

    /// Creates a cipher over `key`.
    public init(key: TenantDataKey) {
        self.key = key
    }

    /// Seals `plaintext` for `context` with a fresh random nonce.
    public func seal(_ plaintext: [UInt8], context: FieldContext) -> [UInt8] {
        seal(plaintext, context: context, nonce: SecureRandom.bytes(AEAD.nonceLength))
    }

    /// Seals `plaintext` for `context` with the given nonce (tests compare with other implementations).
    public func seal(_ plaintext: [UInt8], context: FieldContext, nonce: [UInt8]) -> [UInt8] {
        precondition(context.tenant == key.tenant, "a tenant's key encrypts only that tenant's data")
        let version = key.version
        let header: [UInt8] = [Self.formatVersion, UInt8(version >> 24 & 0xFF), UInt8(version >> 16 & 0xFF), UInt8(version >> 8 & 0xFF), UInt8(version & 0xFF)]
        return header + nonce + AEAD.seal(plaintext, key: key.bytes, nonce: nonce, additionalData: context.additionalData)
    }

    /// Opens a sealed value for `context`, or throws when it was sealed for anything else or altered.
    public func open(_ sealed: [UInt8], context: FieldContext) throws(AEAD.AuthenticationFailure) -> [UInt8] {
        guard context.tenant == key.tenant, sealed.count >= 5 + AEAD.nonceLength + AEAD.tagLength,
              sealed[0] == Self.formatVersion, Self.keyVersion(of: sealed) == key.version else {
            throw AEAD.AuthenticationFailure()
        }
        let nonce = Array(sealed[5..<(5 + AEAD.nonceLength)])
        return try AEAD.open(Array(sealed[(5 + AEAD.nonceLength)...]), key: key.bytes, nonce: nonce, additionalData: context.additionalData)
    }

    /// The data key version a sealed value names, or `nil` when it is not a sealed value.
    public static func keyVersion(of sealed: [UInt8]) -> Int32? {
        guard sealed.count >= 5, sealed[0] == formatVersion else { return nil }
        return Int32(bitPattern: UInt32(sealed[1]) << 24 | UInt32(sealed[2]) << 16 | UInt32(sealed[3]) << 8 | UInt32(sealed[4]))
    }

    /// A keyed BLAKE2b blind index of `value` for equality lookups in `purpose` (a column name, say), hex encoded.
    /// Normalise the value first (lower-case an email, format a phone number as E.164).
    public func blindIndex(_ value: String, purpose: String) -> String {
        let indexKey = Hashing.blake2b(Array("glavito/blind-index/\(purpose)".utf8), key: key.blindIndexKey, length: 32)
        return Hashing.hex(Hashing.blake2b(Array(value.utf8), key: indexKey, length: 32))
    }
}
