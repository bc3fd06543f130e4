import Foundation

/// A session's identifier.
public struct SessionID: Hashable, Sendable, Codable, CustomStringConvertible {
    /// The UUID.
    public let rawValue: UUID
    /// Wraps a UUID.
    public init(_ rawValue: UUID) { self.rawValue = rawValue }
    public var description: String { rawValue.uuidString.lowercased() }
}

/// A sign-in session as listed to its user.
public struct Session: Sendable, Equatable, Codable {
    /// How far sign-in has come.
    public enum Stage: String, Sendable, Codable {
        /// Password accepted; a second factor is still required.
        case mfaPending = "mfa_pending"
        /// Password accepted; the role requires MFA and the user must enrol first.
        case mfaEnrolment = "mfa_enrolment"
        /// Fully signed in.
        case active
    }

    /// The id.
    public var id: SessionID
    /// Stage.
    public var stage: Stage
    /// When it started.
    public var createdAt: Date
    /// Last request.
    public var lastSeenAt: Date
    /// When it ends at the latest.
    public var absoluteExpiresAt: Date
    /// Client address at sign-in.
    public var clientAddress: String?
    /// Browser at sign-in.
    public var userAgent: String?
}

/// Idle and absolute lifetimes of new sessions.
public struct SessionPolicy: Sendable, Equatable {
    /// Seconds without a request before a session ends.
    public var idleSeconds: Int
    /// Seconds after sign-in when a session ends regardless.
    public var absoluteSeconds: Int

    /// Creates a policy.
    public init(idleSeconds: Int, absoluteSeconds: Int) {
        self.idleSeconds = idleSeconds
        self.absoluteSeconds = absoluteSeconds
    }

    /// The configured defaults, overridden by the tenant settings `session_idle_minutes` and `session_absolute_hours`.
    public static func forTenant(settings: [String: String], defaults: IdentityConfig) -> SessionPolicy {
        let idle = settings["session_idle_minutes"].flatMap(Int.init).filter { (1...10_080).contains($0) }.map { $0 * 60 }
        let absolute = settings["session_absolute_hours"].flatMap(Int.init).filter { (1...720).contains($0) }.map { $0 * 3600 }
        return SessionPolicy(idleSeconds: idle ?? defaults.sessionIdleSeconds, absoluteSeconds: absolute ?? defaults.sessionAbsoluteSeconds)
    }
}

extension Optional {
    func filter(_ predicate: (Wrapped) -> Bool) -> Wrapped? {
        guard let value = self, predicate(value) else { return nil }
        return value
    }
}
