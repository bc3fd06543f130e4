import Foundation

extension InstagramWebhookParser {
    /// One `messaging[]` element with its envelope read.
    struct Event {
        var raw: JSONObject
        var senderID: String
        var recipientID: String
        var timestamp: Date

        /// The message, postback or reaction the event carries, or `nil` for other events.
        func inboundMessage() -> InboundMessage? {
            if let message = raw.object("message") { return self.message(message) }
            if let postback = raw.object("postback"), let mid = postback.nonEmptyString("mid") {
                return inbound(id: mid, type: .postback, text: postback.nonEmptyString("title"))
            }
            if let reaction = raw.object("reaction"), let mid = reaction.nonEmptyString("mid") {
                let action = reaction.string("action") == "unreact" ? "unreact" : "react"
                let emoji = action == "unreact" ? nil : reaction.nonEmptyString("emoji") ?? reaction.nonEmptyString("reaction")
                // A reaction has no id of its own: name it by what who did to which message when (a retried webhook
                // gives the same id, a removal at the same millisecond a different one).
                let id = "\(action):\(senderID):\(mid):\(raw.int("timestamp") ?? 0)"
                var inbound = inbound(id: id, type: .reaction, text: emoji)
                inbound.reaction = Reaction(targetProviderMessageID: mid, emoji: emoji)
                return inbound
            }
            return nil
        }

        /// A `message` event: text, attachments, quick reply, story reply or mention, echo, deletion.
        func message(_ message: JSONObject) -> InboundMessage? {
            guard let mid = message.nonEmptyString("mid") else { return nil }
            let attachments = message.objects("attachments")
            let media = attachments.compactMap { attachment -> MediaReference? in
                guard let url = attachment.object("payload")?.nonEmptyString("url") else { return nil }
                return MediaReference(url: url, kind: Self.kind(ofAttachment: attachment.string("type")))
            }
            let replyTo = message.object("reply_to")
            let story = replyTo?.object("story")
            var type: MessageContentType = attachments.first.map { Self.kind(ofAttachment: $0.string("type")) } ?? .text
            if message.flag("is_deleted") {
                type = .system
            } else if message.flag("is_unsupported") {
                type = .unsupported
            } else if story != nil {
                type = .storyReply
            } else if message.object("quick_reply") != nil {
                type = .quickReply
            }
            var storyMedia: [MediaReference] = []
            if let url = story?.nonEmptyString("url") { storyMedia = [MediaReference(url: url, kind: .storyReply)] }
            var inbound = inbound(id: mid, type: type, text: message.string("text"), media: storyMedia + media)
            inbound.replyToProviderMessageID = replyTo?.nonEmptyString("mid")
            inbound.isDeletion = message.flag("is_deleted")
            if message.flag("is_echo") {
                inbound.isEcho = true
                inbound.accountID = senderID
                inbound.sender = [IdentityClaim.normalised(kind: .instagram, value: recipientID)].compactMap { $0 }
            }
            return inbound
        }

        /// A message from the sender to the business (`recipient.id`).
        func inbound(id: String, type: MessageContentType, text: String?, media: [MediaReference] = []) -> InboundMessage {
            InboundMessage(channel: .instagram, accountID: recipientID, providerMessageID: id,
                           sender: [IdentityClaim.normalised(kind: .instagram, value: senderID)].compactMap { $0 },
                           sentAt: timestamp, type: type, text: text, media: media, content: MetaJSON.serialise(raw))
        }

        /// The content type of an attachment `type`.
        static func kind(ofAttachment type: String?) -> MessageContentType {
            switch type {
            case "image": .image
            case "video": .video
            case "audio": .audio
            case "file": .file
            case "share", "ig_reel", "reel": .share
            case "story_mention": .storyMention
            default: .unsupported
            }
        }
    }
}
