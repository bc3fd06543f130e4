import CArgon2
import NIOPosix

/// Argon2id password hashing through libargon2, in PHC string format, off the event loops.
///
/// Hashing is deliberately slow and memory-hungry, so it runs on NIO's blocking thread pool and at most
/// `maximumConcurrentHashes` hashes run at once: a login flood queues instead of exhausting memory.
public struct PasswordHasher: Sendable {
    /// The parameters new hashes use.
    public let parameters: Argon2Parameters
    /// The rules a new password must satisfy.
    public let policy: PasswordPolicy
    let limiter: ConcurrencyLimiter

    /// Length of the random salt in bytes.
    public static let saltLength = 16
    /// Length of the derived hash in bytes.
    public static let hashLength = 32

    /// Creates a hasher using `parameters` for new hashes and allowing `maximumConcurrentHashes` at a time.
    public init(parameters: Argon2Parameters = .owasp, policy: PasswordPolicy = PasswordPolicy(), maximumConcurrentHashes: Int = 2) {
        self.parameters = parameters
        self.policy = policy
        self.limiter = ConcurrencyLimiter(limit: maximumConcurrentHashes)
    }

    /// Why hashing failed.
    public struct HashingError: Error, CustomStringConvertible {
        /// libargon2's message.
        public let description: String
    }

    /// Hashes `password` with a fresh salt; returns a PHC string. Blocks the calling thread.
    public func hashBlocking(_ password: String) throws -> String {
        let salt = SecureRandom.bytes(Self.saltLength)
        let encodedLength = argon2_encodedlen(
            parameters.iterations, parameters.memoryKiB, parameters.parallelism,
            UInt32(Self.saltLength), UInt32(Self.hashLength), Argon2_id
        )
        var encoded = [CChar](repeating: 0, count: encodedLength)
        let password = Array(password.utf8)
        let status = password.withUnsafeBytes { passwordBytes in
            salt.withUnsafeBytes { saltBytes in
                argon2id_hash_encoded(
                    parameters.iterations, parameters.memoryKiB, parameters.parallelism,
                    passwordBytes.baseAddress, passwordBytes.count, saltBytes.baseAddress, saltBytes.count,
                    Self.hashLength, &encoded, encodedLength
                )
            }
        }
        guard status == ARGON2_OK.rawValue else {
            throw HashingError(description: String(cString: argon2_error_message(status)))
        }
        return String(decoding: encoded.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Whether `password` matches the PHC string `phc` (any Argon2id parameters). Blocks the calling thread.
    public func verifyBlocking(_ password: String, against phc: String) -> Bool {
        guard Argon2Parameters(phc: phc) != nil else { return false }
        let password = Array(password.utf8)
        return password.withUnsafeBytes { bytes in
            argon2id_verify(phc, bytes.baseAddress, bytes.count) == ARGON2_OK.rawValue
        }
    }

    /// Whether a stored hash was made with other parameters than the current ones and should be replaced.
    public func needsRehash(_ phc: String) -> Bool {
        Argon2Parameters(phc: phc) != parameters
    }

    /// Hashes `password` on the blocking thread pool.
    public func hash(_ password: String) async throws -> String {
        try await limiter.run {
            try await NIOThreadPool.singleton.runIfActive { try hashBlocking(password) }
        }
    }

    /// Verifies `password` against `phc` on the blocking thread pool.
    public func verify(_ password: String, against phc: String) async throws -> Bool {
        try await limiter.run {
            try await NIOThreadPool.singleton.runIfActive { verifyBlocking(password, against: phc) }
        }
    }
}
