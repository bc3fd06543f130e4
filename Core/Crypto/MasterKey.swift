import Foundation

/// The key that wraps every tenant's data key, from `GLAVITO_MASTER_KEY` (base64 of 32 bytes) or a key file.
/// Its ``id`` is stored with each wrapped key, so rotation knows which master key wrapped what.
public struct MasterKey: Sendable, CustomStringConvertible {
    let bytes: [UInt8]
    /// A short public fingerprint of the key (16 hex digits of a BLAKE2b hash); never reveals the key.
    public let id: String

    /// Creates a key from 32 raw bytes.
    public init(bytes: [UInt8]) {
        precondition(bytes.count == AEAD.keyLength)
        self.bytes = bytes
        self.id = Hashing.hex(Array(Hashing.blake2b(Array("glavito/master-key-id".utf8) + bytes, length: 16).prefix(8)))
    }

    /// Parses base64 (standard or URL-safe) text of exactly 32 bytes; `nil` otherwise.
    public init?(base64 text: String) {
        var normalised = text.trimmingCharacters(in: .whitespacesAndNewlines)
            .replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while normalised.count % 4 != 0 { normalised += "=" }
        guard let data = Data(base64Encoded: normalised), data.count == AEAD.keyLength else { return nil }
        self.init(bytes: Array(data))
    }

    /// A new random key.
    public static func generate() -> MasterKey { MasterKey(bytes: SecureRandom.bytes(AEAD.keyLength)) }

    /// The key as base64, for writing a new key file.
    public var base64: String { Data(bytes).base64EncodedString() }

    /// Never prints the key.
    public var description: String { "MasterKey(\(id))" }

    /// A subkey for `context` (8 ASCII characters), such as the audit signing seed.
    public func derive(context: String) -> [UInt8] {
        Hashing.deriveKey(from: bytes, id: 1, context: context)
    }

    /// Wraps a tenant data key: nonce (24) ‖ ciphertext ‖ tag, bound to the tenant and version.
    public func wrap(_ key: TenantDataKey) -> [UInt8] {
        let nonce = SecureRandom.bytes(AEAD.nonceLength)
        return nonce + AEAD.seal(key.bytes, key: bytes, nonce: nonce, additionalData: Self.wrapContext(key.tenant, key.version))
    }

    /// Unwraps a tenant data key wrapped by ``wrap(_:)`` with this key.
    public func unwrap(_ wrapped: [UInt8], tenant: TenantID, version: Int32) throws(AEAD.AuthenticationFailure) -> TenantDataKey {
        guard wrapped.count > AEAD.nonceLength else { throw AEAD.AuthenticationFailure() }
        let raw = try AEAD.open(Array(wrapped[AEAD.nonceLength...]), key: bytes, nonce: Array(wrapped.prefix(AEAD.nonceLength)),
                                additionalData: Self.wrapContext(tenant, version))
        return TenantDataKey(tenant: tenant, version: version, bytes: raw)
    }

    static func wrapContext(_ tenant: TenantID, _ version: Int32) -> [UInt8] {
        Array("glavito/data-key/v1|\(tenant.rawValue.uuidString.lowercased())|\(version)".utf8)
    }
}
