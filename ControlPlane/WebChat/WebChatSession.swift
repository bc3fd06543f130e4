import Foundation
import GlavitoCore
import HummingbirdWebSocket
import Logging

/// One visitor's WebSocket connection (protocol: docs/webchat.md): a `hello` with the stored token (or none, and a
/// new visitor is issued), the history, then two halves until either side ends: the reader handles the visitor's
/// frames (messages through the ingest path, identify, typing), the follower watches the tenant's events (from any
/// process, through the hub) and sends the replies addressed to this visitor and agents' typing.
struct WebChatSession: Sendable {
    let tenant: TenantID
    let account: ChannelAccount
    let database: Database
    let keyRing: TenantKeyRing
    let hub: LiveEventHub
    /// Visitor messages per minute (keyed by tenant, channel and visitor).
    let messages: RateLimiter
    /// Visitor typing signals (one per few seconds).
    let typing: RateLimiter
    /// Where visitors' files go.
    let storage: any AttachmentStorage
    /// Signed links to the conversation's files.
    let links: WebChatLinks
    let logger: Logger

    /// The largest frame read (a file frame carries up to 2 MiB in base64).
    static let maximumFrameBytes = 3 * 1024 * 1024

    func run(inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        var frames = inbound.messages(maxSize: Self.maximumFrameBytes).makeAsyncIterator()
        guard let visitor = try await hello(&frames, outbound) else { return }
        try await outbound.write(.text(WebChatFrames.welcome(visitor)))
        let conversation = WebChatConversation(tenant: tenant, keyRing: keyRing, account: account, visitorID: visitor.visitorID)
        let state = WebChatVisitorState()
        // Registered before the history is read: a reply committed in between arrives live (and is sent once).
        let subscription = try await hub.subscribe(tenant: tenant)
        defer { hub.remove(subscription) }
        let history = try await database.withTenantTransaction(tenant) { connection -> (UUID?, [Message]) in
            guard let known = try await conversation.identity(on: connection, logger: logger) else { return (nil, []) }
            return (known.identity, try await conversation.history(identity: known.identity, on: connection, logger: logger))
        }
        state.setIdentity(history.0)
        for message in history.1 { _ = state.markDelivered(message.id) }
        try await outbound.write(.text(WebChatFrames.history(history.1, visitorID: visitor.visitorID, links: links)))
        let follower = WebChatFollower(tenant: tenant, database: database, conversation: conversation, state: state, links: links, logger: logger)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask {
                do {
                    try await follower.run(subscription, outbound: outbound)
                    try await outbound.close(.goingAway, reason: "the server is going away; reconnect")
                } catch is CancellationError {
                } catch {
                    logger.warning("web chat: following events failed", metadata: ["glavito.error": "\(String(reflecting: error))"])
                    try? await outbound.close(.unexpectedServerError, reason: "reconnect to resume")
                }
            }
            while let frame = try await frames.next() {
                guard case .text(let text) = frame else {
                    try await outbound.write(.text(WebChatFrames.error("bad-frame", "send JSON text frames")))
                    continue
                }
                if let answer = await handle(text, conversation: conversation, state: state) { try await outbound.write(.text(answer)) }
            }
            group.cancelAll()
        }
    }

    /// Reads the first frame, `{"type":"hello","token":…}`: the visitor of a valid token, or a new one when there is
    /// none. A token that does not verify for this tenant and channel ends the connection.
    func hello(_ frames: inout WebSocketInboundMessageStream.AsyncIterator, _ outbound: WebSocketOutboundWriter) async throws -> WebChatVisitorToken? {
        guard let first = try await frames.next() else { return nil }
        guard case .text(let text) = first, let fields = Self.object(text), fields["type"] as? String == "hello" else {
            try await outbound.write(.text(WebChatFrames.error("hello-required", #"send {"type":"hello","token":<stored token or null>} first"#)))
            try await outbound.close(.policyViolation, reason: "hello required")
            return nil
        }
        let cipher = try await database.withTenantTransaction(tenant) { connection in
            try await keyRing.cipher(for: tenant, on: connection, logger: logger)
        }
        guard let token = fields["token"] as? String, !token.isEmpty else { return WebChatVisitorToken.issue(channel: account.id, cipher: cipher) }
        guard let visitor = WebChatVisitorToken.verify(token, channel: account.id, cipher: cipher) else {
            try await outbound.write(.text(WebChatFrames.error("invalid-token", "the visitor token is not valid for this chat; forget it and start again")))
            try await outbound.close(.policyViolation, reason: "invalid token")
            return nil
        }
        return visitor
    }

    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
