import Synchronization

/// How many live connections one user (or API key) may hold open on this process; a client that keeps opening more
/// (a loop, a leak, a stolen cookie) is refused instead of growing the process without bound.
public final class LiveConnectionLimit: Sendable {
    /// Connections one principal may hold at once on this process.
    public let perPrincipal: Int
    private let open = Mutex<[String: Int]>([:])

    /// Creates a limit of `perPrincipal` connections each.
    public init(perPrincipal: Int) {
        self.perPrincipal = perPrincipal
    }

    /// The key a principal's connections count under: its tenant and its user or API key.
    public static func key(_ principal: Principal) -> String {
        switch principal.credential {
        case .session: "\(principal.tenant)/user/\(principal.userID?.description ?? "-")"
        case .apiKey(let id): "\(principal.tenant)/key/\(id)"
        }
    }

    /// Takes a slot for `key`; false when it already holds ``perPrincipal``.
    public func acquire(_ key: String) -> Bool {
        open.withLock { open in
            guard open[key, default: 0] < perPrincipal else { return false }
            open[key, default: 0] += 1
            return true
        }
    }

    /// Gives back a slot taken by ``acquire(_:)``.
    public func release(_ key: String) {
        open.withLock { open in
            open[key, default: 1] -= 1
            if open[key] == 0 { open[key] = nil }
        }
    }
}
