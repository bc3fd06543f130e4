import Foundation
import GlavitoCore

/// The JSON frames the server sends a web chat visitor (protocol: docs/webchat.md).
enum WebChatFrames {
    /// `{"type":"welcome","visitor_id":…,"token":…}`: who the visitor is; the widget stores the token.
    static func welcome(_ visitor: WebChatVisitorToken) -> String {
        LiveFrames.serialise(["type": "welcome", "visitor_id": visitor.visitorID, "token": visitor.token])
    }

    /// `{"type":"history","messages":[…]}`: the visitor's conversation so far, oldest first.
    static func history(_ messages: [Message], visitorID: String, links: WebChatLinks) -> String {
        LiveFrames.serialise(["type": "history", "messages": messages.map { object($0, visitorID: visitorID, links: links) }])
    }

    /// `{"type":"message",…}`: one new message (an agent's reply).
    static func message(_ message: Message, visitorID: String, links: WebChatLinks) -> String {
        var frame = object(message, visitorID: visitorID, links: links)
        frame["type"] = "message"
        return LiveFrames.serialise(frame)
    }

    /// `{"type":"ack","id":<client id>,"message_id":…,"duplicate":…}`: a visitor's message is stored.
    static func ack(clientID: String, _ posted: WebChatConversation.Posted) -> String {
        LiveFrames.serialise(["type": "ack", "id": clientID, "message_id": posted.messageID.uuidString.lowercased(), "duplicate": posted.duplicate])
    }

    /// `{"type":"identified"}`: the email or phone is recorded (whether it was known is not revealed).
    static let identified = #"{"type":"identified"}"#

    /// `{"type":"typing"}`: an agent is typing.
    static let typing = #"{"type":"typing"}"#

    /// `{"type":"error","code":…,"message":…}`, with the client's message `id` when the error concerns one.
    static func error(_ code: String, _ message: String, id: String? = nil) -> String {
        var frame: [String: Any] = ["type": "error", "code": code, "message": message]
        if let id { frame["id"] = id }
        return LiveFrames.serialise(frame)
    }

    /// A message as the visitor sees it: `from` (`visitor` or `agent`), plain `text`, safe `html`, `sent_at`, and for
    /// the visitor's own messages the widget's `client_id`; each stored file has a signed `url` (a path on the
    /// tenant's host) to show or download it.
    static func object(_ message: Message, visitorID: String, links: WebChatLinks) -> [String: Any] {
        let text = message.text ?? ""
        var out: [String: Any] = ["id": message.id.uuidString.lowercased(), "sent_at": message.sentAt.formatted(.iso8601)]
        if message.direction == "inbound" {
            out["from"] = "visitor"
            out["text"] = text
            out["html"] = ChannelFormatter.inboundHTML(text, channel: .webchat)
            if let provider = message.providerMessageID, provider.hasPrefix(visitorID + ":") {
                out["client_id"] = String(provider.dropFirst(visitorID.count + 1))
            }
        } else {
            out["from"] = "agent"
            out["text"] = ChannelFormatter.render(text, for: .plain)
            out["html"] = ChannelFormatter.render(text, for: .html)
        }
        if !message.attachments.isEmpty {
            out["attachments"] = message.attachments.map { attachment -> [String: Any] in
                var file: [String: Any] = ["kind": attachment.kind.rawValue, "filename": attachment.filename ?? "file",
                                           "mime_type": attachment.mimeType ?? "", "size_bytes": attachment.sizeBytes ?? 0]
                if attachment.state == "stored" { file["url"] = links.url(attachment.id) }
                return file
            }
        }
        return out
    }
}
