import Foundation
import GlavitoCore
import Logging
import PostgresNIO

/// The visitor's frames after the hello: message, file, identify, typing.
extension WebChatSession {
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
        guard let clientID = fields["id"] as? String, WebChatConversation.isClientID(clientID) else { return Self.badClientID }
        guard let raw = fields["text"] as? String, case let text = raw.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            return WebChatFrames.error("bad-frame", "a message needs a non-empty text", id: clientID)
        }
        return try await store(clientID, caption: text, conversation: conversation, state: state) { connection in
            try await conversation.post(text: text, clientID: clientID, on: connection, logger: logger)
        }
    }

    func upload(_ fields: [String: Any], conversation: WebChatConversation, state: WebChatVisitorState) async throws -> String {
        guard let clientID = fields["id"] as? String, WebChatConversation.isClientID(clientID) else { return Self.badClientID }
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
        let caption = (fields["text"] as? String)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return try await store(clientID, caption: caption, conversation: conversation, state: state) { connection in
            try await conversation.upload(file, caption: caption.isEmpty ? nil : caption, clientID: clientID, storage: storage,
                                          on: connection, logger: logger)
        }
    }

    static let badClientID = WebChatFrames.error("bad-frame", "a message needs an id of 1 to 64 letters, digits, - or _ (the widget's message id)")

    /// Checks the text's length and the visitor's rate, stores with `body` in one transaction and acknowledges.
    func store(_ clientID: String, caption: String, conversation: WebChatConversation, state: WebChatVisitorState,
               _ body: @escaping @Sendable (PostgresConnection) async throws -> WebChatConversation.Posted) async throws -> String {
        guard caption.count <= WebChatConversation.maximumText else {
            return WebChatFrames.error("too-long", "a message may have at most \(WebChatConversation.maximumText) characters", id: clientID)
        }
        let decision = messages.take("\(tenant)/\(account.id)/\(conversation.visitorID)")
        guard decision.allowed else {
            return WebChatFrames.error("rate-limited", "too many messages; wait \(decision.resetSeconds) s and send again", id: clientID)
        }
        let (posted, identity) = try await database.withTenantTransaction(tenant) { connection in
            let posted = try await body(connection)
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
}
