import Foundation
import GlavitoCore
import Synchronization

/// The channel accounts (with their decrypted secrets) that webhooks name, cached for a short time so a burst of
/// webhooks costs no extra queries. A changed secret is picked up within ``lifetime``; a bad signature also
/// forces a fresh read, so a just-rotated app secret never rejects good webhooks for long.
final class ChannelAccountCache: Sendable {
    struct Entry: Sendable {
        let tenant: TenantID
        let account: ChannelAccount
        let secrets: ChannelSecrets
        let loadedAt: ContinuousClock.Instant
    }

    let lifetime: Duration
    private let entries = Mutex<[UUID: Entry]>([:])

    init(lifetime: Duration = .seconds(30)) {
        self.lifetime = lifetime
    }

    /// The cached entry for `channel` if it is younger than ``lifetime`` (a channel disabled meanwhile still takes
    /// webhooks until then).
    func cached(_ channel: UUID) -> Entry? {
        guard let cached = entries.withLock({ $0[channel] }), cached.loadedAt.duration(to: .now) < lifetime else { return nil }
        return cached
    }

    /// The cached entry for `channel`, or the one `load` returns (then cached).
    func entry(_ channel: UUID, fresh: Bool = false, load: () async throws -> Entry) async throws -> Entry {
        if !fresh, let cached = entries.withLock({ $0[channel] }), cached.loadedAt.duration(to: .now) < lifetime {
            return cached
        }
        let loaded = try await load()
        entries.withLock { $0[channel] = loaded }
        return loaded
    }
}
