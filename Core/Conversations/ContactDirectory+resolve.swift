import Foundation
import Logging
import PostgresNIO

extension ContactDirectory {
    /// One message's sender to resolve: its identities, the name the channel reported and the message.
    public struct Sender: Sendable {
        /// The identities the channel reported.
        public var claims: [IdentityClaim]
        /// The customer's name as the channel reported it, if any.
        public var profileName: String?
        /// The message that revealed the identities, if any.
        public var sourceMessage: UUID?

        /// Creates a sender.
        public init(claims: [IdentityClaim], profileName: String?, sourceMessage: UUID?) {
            self.claims = claims
            self.profileName = profileName
            self.sourceMessage = sourceMessage
        }
    }

    /// Resolves several messages' senders in order, as ``resolve(_:profileName:sourceMessage:locked:on:logger:)``
    /// would one after the other (a later sender sees the contacts and identities an earlier one created), with one
    /// lookup and one insert per table for all of them.
    public func resolve(_ senders: [Sender], locked: Bool = false, on connection: PostgresConnection,
                        logger: Logger) async throws -> [ContactResolution] {
        try await resolve(senders, locked: locked, known: nil, on: connection, logger: logger)
    }

    /// ``resolve(_:locked:on:logger:)`` with the identities on file already looked up (`known`, by blind index, for at
    /// least every claim of `senders`; ``lookup(kinds:indexes:on:logger:)`` when `nil`).
    func resolve(_ senders: [Sender], locked: Bool, known prefetched: [String: KnownIdentity]?, on connection: PostgresConnection,
                 logger: Logger) async throws -> [ContactResolution] {
        let cipher = try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        var claimsOf: [[IdentityClaim]] = []
        var indexesOf: [[String]] = []
        var allKinds: [String] = []
        var allIndexes: [String] = []
        for sender in senders {
            let claims = Self.unique(sender.claims)
            guard !claims.isEmpty else { throw ConversationError.invalid("a message without any sender identity") }
            let indexes = claims.map { cipher.blindIndex($0.value, purpose: Self.purpose($0.kind)) }
            claimsOf.append(claims)
            indexesOf.append(indexes)
            allKinds += claims.map(\.kind.rawValue)
            allIndexes += indexes
        }
        if !locked {
            let lockKeys = Set(allIndexes.map { Self.lockKey($0) }).sorted()
            try await connection.checkedQuery("SELECT count(pg_advisory_xact_lock(k)) FROM (SELECT unnest(\(lockKeys)) AS k ORDER BY 1) s",
                                       logger: logger)
        }
        var known: [String: KnownIdentity]
        if let prefetched {
            known = prefetched
        } else {
            known = try await lookup(kinds: allKinds, indexes: allIndexes, on: connection, logger: logger)
        }
        var plan = ResolutionPlan()
        var resolutions: [ContactResolution] = []
        for (position, sender) in senders.enumerated() {
            resolutions.append(plan.resolve(claimsOf[position], indexes: indexesOf[position], profileName: sender.profileName,
                                            sourceMessage: sender.sourceMessage, known: &known))
        }
        try await plan.write(tenant: tenant, cipher: cipher, context: context, on: connection, logger: logger)
        return resolutions
    }
}
