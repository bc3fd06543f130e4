/// Who is making a request: a signed-in user (through a session) or an integration (through an API key).
public struct Principal: Sendable, Equatable {
    /// How the principal authenticated.
    public enum Credential: Sendable, Equatable {
        /// A browser session; `csrfToken` must accompany state-changing requests.
        case session(id: SessionID, csrfToken: String, stage: Session.Stage)
        /// An API key with its scopes.
        case apiKey(id: String)
    }

    /// The tenant.
    public var tenant: TenantID
    /// The user, for sessions (and the key's creator for API keys, if known).
    public var userID: UserID?
    /// Email of the user, for display.
    public var email: String?
    /// Display name.
    public var displayName: String
    /// The role key (API keys: `api-key`).
    public var roleKey: String
    /// What the principal may do.
    public var permissions: Set<Permission>
    /// Which records it sees.
    public var dataScope: DataScope
    /// Teams of the user.
    public var teams: Set<String>
    /// How it authenticated.
    public var credential: Credential

    /// Whether the principal holds `permission`.
    public func can(_ permission: Permission) -> Bool { permissions.contains(permission) }

    /// The audit actor fields for this principal.
    public var auditActor: (AuditEvent.ActorKind, String?) {
        switch credential {
        case .session: (.user, userID?.description)
        case .apiKey(let id): (.apiKey, id)
        }
    }
}
