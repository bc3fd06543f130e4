import Foundation

/// A security event or privileged action to append to a tenant's audit log.
public struct AuditEvent: Sendable, Equatable {
    /// Who acted.
    public enum ActorKind: String, Sendable, Codable {
        case user
        case apiKey = "api_key"
        case platform
        case system
        case anonymous
    }

    /// Kind of actor.
    public var actorKind: ActorKind
    /// The actor's id (user id, API key id, operator name), if known.
    public var actorID: String?
    /// What happened, dotted (`login.succeeded`, `role.updated`).
    public var action: String
    /// What it happened to (`user:<id>`, `role:<key>`).
    public var target: String?
    /// The client's address.
    public var clientAddress: String?
    /// Further facts; never secrets or personal data beyond identifiers.
    public var details: [String: String]

    /// Creates an event.
    public init(actorKind: ActorKind, actorID: String? = nil, action: String, target: String? = nil,
                clientAddress: String? = nil, details: [String: String] = [:]) {
        self.actorKind = actorKind
        self.actorID = actorID
        self.action = action
        self.target = target
        self.clientAddress = clientAddress
        self.details = details
    }
}

/// An entry as stored: the event, its position, time and hashes.
public struct AuditEntry: Sendable, Equatable, Codable {
    /// Position in the tenant's chain, from 1.
    public var seq: Int64
    /// Microseconds since 1970 (UTC).
    public var occurredAtMicros: Int64
    /// Kind of actor.
    public var actorKind: String
    /// Actor id.
    public var actorID: String?
    /// Action.
    public var action: String
    /// Target.
    public var target: String?
    /// Client address.
    public var clientAddress: String?
    /// Details as canonical JSON text.
    public var details: String
    /// Hash of the previous entry (32 zero bytes for the first), hex.
    public var prevHash: String
    /// This entry's hash, hex.
    public var entryHash: String

    /// When it happened.
    public var occurredAt: Date { Date(timeIntervalSince1970: Double(occurredAtMicros) / 1_000_000) }

    /// The hash this entry must carry: SHA-256 over the previous hash and every field, each length-prefixed.
    public static func computeHash(tenant: TenantID, seq: Int64, occurredAtMicros: Int64, actorKind: String, actorID: String?,
                                   action: String, target: String?, clientAddress: String?, details: String, prevHash: [UInt8]) -> [UInt8] {
        var message = Array("glavito/audit/v1".utf8) + prevHash
        let fields: [String?] = [tenant.description, String(seq), String(occurredAtMicros), actorKind, actorID, action, target, clientAddress, details]
        for field in fields {
            guard let field else {
                message += [0xFF, 0xFF, 0xFF, 0xFF]
                continue
            }
            let bytes = Array(field.utf8)
            let length = UInt32(bytes.count)
            message += [UInt8(length >> 24 & 0xFF), UInt8(length >> 16 & 0xFF), UInt8(length >> 8 & 0xFF), UInt8(length & 0xFF)] + bytes
        }
        return Hashing.sha256(message)
    }

    /// The message a checkpoint signs.
    public static func checkpointMessage(tenant: TenantID, seq: Int64, entryHash: [UInt8]) -> [UInt8] {
        Array("glavito/audit-checkpoint/v1|\(tenant)|\(seq)|".utf8) + entryHash
    }
}
