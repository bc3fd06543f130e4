extension WhatsAppWebhookParser {
    /// What a message carries, normalised.
    struct Content {
        var type: MessageContentType
        var text: String?
        var media: [MediaReference] = []
        var reaction: Reaction?
    }

    /// The type, text, media and reaction of a `messages[]` element by its `type`.
    static func content(of message: JSONObject) -> Content {
        let typeName = message.string("type") ?? "unsupported"
        let detail = message.object(typeName) ?? [:]
        switch typeName {
        case "text":
            return Content(type: .text, text: detail.string("body"))
        case "image", "video", "sticker", "document", "audio":
            let kind: MessageContentType = typeName == "audio" && detail.flag("voice")
                ? .voice : MessageContentType(rawValue: typeName) ?? .file
            let media = MediaReference(providerMediaID: detail.nonEmptyString("id"), mimeType: detail.nonEmptyString("mime_type"),
                                       sha256: detail.nonEmptyString("sha256"), filename: detail.nonEmptyString("filename"),
                                       kind: kind)
            return Content(type: kind, text: detail.nonEmptyString("caption"), media: [media])
        case "location":
            return Content(type: .location, text: locationText(detail))
        case "contacts":
            let names = message.objects("contacts").compactMap { $0.object("name")?.nonEmptyString("formatted_name") }
            return Content(type: .contacts, text: names.isEmpty ? nil : names.joined(separator: ", "))
        case "interactive":
            let reply = detail.object("button_reply") ?? detail.object("list_reply")
            return Content(type: .interactive,
                           text: reply?.nonEmptyString("title") ?? detail.object("nfm_reply")?.nonEmptyString("body"))
        case "button":
            return Content(type: .button, text: detail.nonEmptyString("text") ?? detail.nonEmptyString("payload"))
        case "reaction":
            let emoji = detail.nonEmptyString("emoji")
            let reaction = detail.nonEmptyString("message_id").map { Reaction(targetProviderMessageID: $0, emoji: emoji) }
            return Content(type: .reaction, text: emoji, reaction: reaction)
        case "system":
            return Content(type: .system, text: detail.nonEmptyString("body"))
        default:
            return Content(type: .unsupported)
        }
    }

    /// The location's name and address on separate lines, else its coordinates.
    static func locationText(_ location: JSONObject) -> String? {
        let lines = [location.nonEmptyString("name"), location.nonEmptyString("address")].compactMap { $0 }
        if !lines.isEmpty { return lines.joined(separator: "\n") }
        guard let latitude = location.double("latitude"), let longitude = location.double("longitude") else { return nil }
        return "\(latitude), \(longitude)"
    }
}
