/// A tenant's data key in memory: 32 bytes for XChaCha20-Poly1305 and a separate derived key for blind indexes.
public struct TenantDataKey: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// The key's version within the tenant.
    public let version: Int32
    /// The encryption key.
    let bytes: [UInt8]
    /// The key blind indexes are keyed with, derived from the data key.
    let blindIndexKey: [UInt8]

    /// Wraps raw key bytes (32).
    public init(tenant: TenantID, version: Int32, bytes: [UInt8]) {
        precondition(bytes.count == AEAD.keyLength)
        self.tenant = tenant
        self.version = version
        self.bytes = bytes
        self.blindIndexKey = Hashing.deriveKey(from: bytes, id: 1, context: "glvblind")
    }
}
