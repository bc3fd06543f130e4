import Foundation
import Synchronization

/// What the two halves of a visitor's connection share: the visitor's identity once it exists (the reader sets it
/// after the first message or `identify`; the follower needs it to recognise replies), and the messages already
/// sent, so a reply is never sent twice (history, then live).
final class WebChatVisitorState: Sendable {
    private struct State {
        var identity: UUID?
        var delivered: Set<UUID> = []
    }

    private let state = Mutex(State())

    /// The visitor's identity id, `nil` until they wrote or identified.
    var identity: UUID? { state.withLock { $0.identity } }

    /// Records the visitor's identity.
    func setIdentity(_ id: UUID?) {
        guard let id else { return }
        state.withLock { $0.identity = id }
    }

    /// Marks `id` sent; false when it already was.
    func markDelivered(_ id: UUID) -> Bool {
        state.withLock { $0.delivered.insert(id).inserted }
    }
}
