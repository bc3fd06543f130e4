import CSodium

/// Ed25519 signatures (libsodium `crypto_sign`), used to sign audit-log checkpoints.
public struct Ed25519Signer: Sendable {
    let secretKey: [UInt8]
    /// The 32-byte public key.
    public let publicKey: [UInt8]

    /// Creates a key pair deterministically from a 32-byte seed.
    public init(seed: [UInt8]) {
        precondition(seed.count == Int(crypto_sign_SEEDBYTES))
        SecureRandom.initialize()
        var publicKey = [UInt8](repeating: 0, count: Int(crypto_sign_PUBLICKEYBYTES))
        var secretKey = [UInt8](repeating: 0, count: Int(crypto_sign_SECRETKEYBYTES))
        _ = crypto_sign_seed_keypair(&publicKey, &secretKey, seed)
        self.publicKey = publicKey
        self.secretKey = secretKey
    }

    /// A short public identifier of the key: 16 hex digits of its public key.
    public var keyID: String { Hashing.hex(Array(publicKey.prefix(8))) }

    /// A 64-byte detached signature of `message`.
    public func sign(_ message: [UInt8]) -> [UInt8] {
        var signature = [UInt8](repeating: 0, count: Int(crypto_sign_BYTES))
        message.withUnsafeBufferPointer { _ = crypto_sign_detached(&signature, nil, $0.baseAddress, UInt64($0.count), secretKey) }
        return signature
    }

    /// Whether `signature` is a valid signature of `message` by `publicKey`.
    public static func verify(_ signature: [UInt8], message: [UInt8], publicKey: [UInt8]) -> Bool {
        guard signature.count == Int(crypto_sign_BYTES), publicKey.count == Int(crypto_sign_PUBLICKEYBYTES) else { return false }
        SecureRandom.initialize()
        return message.withUnsafeBufferPointer {
            crypto_sign_verify_detached(signature, $0.baseAddress, UInt64($0.count), publicKey) == 0
        }
    }
}
