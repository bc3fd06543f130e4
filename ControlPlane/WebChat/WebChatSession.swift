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
        try await outbound.write(.text(WebChatFrames.history(history.1, visitorID: visitor.visitorID)))
        let follower = WebChatFollower(tenant: tenant, database: database, conversation: conversation, state: state, logger: logger)
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

    /// Handles one frame after the hello; returns the answer frame (an error frame for anything wrong), `nil` for
    /// none (typing).
    func handle(_ text: String, conversation: WebChatConversation, state: WebChatVisitorState) async -> String? {
        guard let fields = Self.object(text), let type = fields["type"] as? String else {
            return WebChatFrames.error("bad-frame", "a frame must be a JSON object with a type")
        }
        do {
            switch type {
            case "message": return try await post(fields, conversation: conversation, state: state)
            case "file": return try await upload(fields, conversation: conversation, state: state)
            case "identify": return try await identify(fields, conversation: conversation, state: state)
            case "typing":
                if typing.take("\(tenant)/\(account.id)/\(conversation.visitorID)").allowed {
                    try await database.withTenantTransaction(tenant) { try await conversation.typing(on: $0, logger: logger) }
                }
                return nil
            case "hello": return WebChatFrames.error("already-greeted", "hello is sent once per connection")
            default: return WebChatFrames.error("unknown-type", "type must be message, file, identify or typing")
            }
        } catch let error as ConversationError {
            return WebChatFrames.error("rejected", error.description, id: fields["id"] as? String)
        } catch {
            logger.error("web chat: a visitor frame failed", metadata: ["glavito.error": "\(String(reflecting: error))"])
            return WebChatFrames.error("unavailable", "the message could not be handled; try again", id: fields["id"] as? String)
        }
    }

    func post(_ fields: [String: Any], conversation: WebChatConversation, state: WebChatVisitorState) async throws -> String {
        guard let clientID = fields["id"] as? String, WebChatConversation.isClientID(clientID) else {
            return WebChatFrames.error("bad-frame", "a message needs an id of 1 to 64 letters, digits, - or _ (the widget's message id)")
        }
        guard let raw = fields["text"] as? String, case let text = raw.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return WebChatFrames.error("bad-frame", "a message needs a non-empty text", id: clientID)
        }
        guard text.count <= WebChatConversation.maximumText else {
            return WebChatFrames.error("too-long", "a message may have at most \(WebChatConversation.maximumText) characters", id: clientID)
        }
        let decision = messages.take("\(tenant)/\(account.id)/\(conversation.visitorID)")
        guard decision.allowed else {
            return WebChatFrames.error("rate-limited", "too many messages; wait \(decision.resetSeconds) s and send again", id: clientID)
        }
        let (posted, identity) = try await database.withTenantTransaction(tenant) { connection in
            let posted = try await conversation.post(text: text, clientID: clientID, on: connection, logger: logger)
            return (posted, try await conversation.identity(on: connection, logger: logger)?.identity)
        }
        state.setIdentity(identity)
        return WebChatFrames.ack(clientID: clientID, posted)
    }

    func upload(_ fields: [String: Any], conversation: WebChatConversation, state: WebChatVisitorState) async throws -> String {
        guard let clientID = fields["id"] as? String, WebChatConversation.isClientID(clientID) else {
            return WebChatFrames.error("bad-frame", "a file needs an id of 1 to 64 letters, digits, - or _ (the widget's message id)")
        }
        guard let data = fields["data"] as? String, let bytes = Data(base64Encoded: data) else {
            return WebChatFrames.error("bad-frame", "a file needs its bytes in data, in base64", id: clientID)
        }
        let file: WebChatUpload
        do {
            file = try WebChatUpload(bytes: Array(bytes), filename: fields["name"] as? String)
        } catch WebChatUpload.Refusal.tooLarge {
            return WebChatFrames.error("too-large", "a file may have at most \(WebChatUpload.maximumBytes / 1024 / 1024) MiB", id: clientID)
        } catch {
            return WebChatFrames.error("unsupported-file", "send an image (PNG, JPEG, WebP) or a PDF", id: clientID)
        }
        let caption = (fields["text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (caption?.count ?? 0) <= WebChatConversation.maximumText else {
            return WebChatFrames.error("too-long", "a message may have at most \(WebChatConversation.maximumText) characters", id: clientID)
        }
        let decision = messages.take("\(tenant)/\(account.id)/\(conversation.visitorID)")
        guard decision.allowed else {
            return WebChatFrames.error("rate-limited", "too many messages; wait \(decision.resetSeconds) s and send again", id: clientID)
        }
        let (posted, identity) = try await database.withTenantTransaction(tenant) { connection in
            let posted = try await conversation.upload(file, caption: caption?.isEmpty == false ? caption : nil, clientID: clientID,
                                                       storage: storage, on: connection, logger: logger)
            return (posted, try await conversation.identity(on: connection, logger: logger)?.identity)
        }
        state.setIdentity(identity)
        return WebChatFrames.ack(clientID: clientID, posted)
    }

    func identify(_ fields: [String: Any], conversation: WebChatConversation, state: WebChatVisitorState) async throws -> String {
        var claims: [IdentityClaim] = []
        for (key, kind) in [("email", IdentityKind.email), ("phone", .phone)] {
            guard let value = fields[key] as? String, !value.trimmingCharacters(in: .whitespaces).isEmpty else { continue }
            guard let claim = IdentityClaim.normalised(kind: kind, value: value) else {
                return WebChatFrames.error("invalid-\(key)", key == "email" ? "the email address is not valid" : "the phone number is not valid; include the country code")
            }
            claims.append(claim)
        }
        guard !claims.isEmpty else { return WebChatFrames.error("bad-frame", "identify needs an email or a phone") }
        let name = (fields["name"] as? String).map { String($0.trimmingCharacters(in: .whitespacesAndNewlines).prefix(200)) }
        let identity = try await database.withTenantTransaction(tenant) { connection in
            _ = try await conversation.identify(claims, name: name, on: connection, logger: logger)
            return try await conversation.identity(on: connection, logger: logger)?.identity
        }
        state.setIdentity(identity)
        return WebChatFrames.identified
    }

    static func object(_ text: String) -> [String: Any]? {
        (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any]
    }
}
