import Foundation
import GlavitoCore

/// `delivery.whatsapp_message`: posts one outbound message to the Cloud API (`POST /{phone-number-id}/messages`):
/// free text rendered in WhatsApp's markup, or an approved template with its body parameters; a reply quotes the
/// customer's message (`context.message_id`). Our message id travels as `biz_opaque_callback_data`, so status
/// webhooks can settle a send whose answer was lost. A message with a file first uploads it
/// (`POST /{phone-number-id}/media`, on every attempt: media ids are not kept) and then sends an image, audio,
/// video or document message naming the media id, the text as its caption; reply buttons go as an `interactive`
/// `button` message, a list as an `interactive` `list` message.
struct SendWhatsAppMessageHandler: JobHandler {
    static let kind = OutboundComposer.jobKind(.whatsapp)

    let graph: GraphAPIClient
    let support: OutboundSendSupport
    let storage: any AttachmentStorage

    func run(_ job: JobRecord, context: JobContext) async throws {
        try await support.run(job, context: context, stage: upload) { prepared, mediaIDs in
            var body: [String: Any] = ["messaging_product": "whatsapp", "recipient_type": "individual",
                                       "biz_opaque_callback_data": prepared.messageID.uuidString.lowercased()]
            switch prepared.recipient.kind {
            case .whatsappUser: body["recipient"] = prepared.recipient.value
            case .phone: body["to"] = String(prepared.recipient.value.drop { $0 == "+" })
            default: body["to"] = prepared.recipient.value
            }
            if let reply = prepared.replyToProviderMessageID { body["context"] = ["message_id": reply] }
            if prepared.type == .template {
                let template = prepared.content.objectValue["template"]?.objectValue ?? [:]
                guard case .string(let name) = template["name"] ?? .null, case .string(let language) = template["language"] ?? .null else {
                    throw OutboundRefusal(title: "Template missing", detail: "the stored message names no template")
                }
                var parameters: [[String: String]] = []
                if case .array(let values) = template["parameters"] ?? .null {
                    for case .string(let value) in values { parameters.append(["type": "text", "text": value]) }
                }
                var payload: [String: Any] = ["name": name, "language": ["code": language]]
                if !parameters.isEmpty { payload["components"] = [["type": "body", "parameters": parameters]] }
                body["type"] = "template"
                body["template"] = payload
            } else if prepared.type == .interactive {
                body["type"] = "interactive"
                body["interactive"] = Self.interactive(prepared)
            } else if let file = prepared.files.first, let mediaID = mediaIDs.first {
                var media: [String: Any] = ["id": mediaID]
                let caption = ChannelFormatter.render(prepared.text, for: .whatsapp)
                guard caption.count <= OutboundComposer.maximumCaption else {
                    throw OutboundRefusal(title: "Caption too long",
                                          detail: "WhatsApp captions take at most \(OutboundComposer.maximumCaption) characters; this is \(caption.count)")
                }
                if !caption.isEmpty, file.kind != "audio" { media["caption"] = caption }
                if file.kind == "document" { media["filename"] = file.filename }
                body["type"] = file.kind
                body[file.kind] = media
            } else {
                let text = ChannelFormatter.render(prepared.text, for: .whatsapp)
                guard text.count <= ChannelFormatter.whatsappTextLimit else {
                    throw OutboundRefusal(title: "Text too long",
                                          detail: "WhatsApp takes at most \(ChannelFormatter.whatsappTextLimit) characters; this is \(text.count)")
                }
                body["type"] = "text"
                body["text"] = ["body": text, "preview_url": text.contains("http://") || text.contains("https://")]
            }
            let phoneNumberID = prepared.account.externalID ?? ""
            let answer = try await graph.send(.POST, "\(prepared.account.graphBaseURL)/\(phoneNumberID)/messages",
                                              token: prepared.secrets.accessToken, json: body)
            if let error = answer.error { throw error }
            guard let id = (answer.json["messages"] as? [[String: Any]])?.first?["id"] as? String else {
                throw GraphAPIClient.GraphError(status: answer.status, code: nil, subcode: nil, message: "the answer names no message id", details: "")
            }
            return id
        }
    }

    /// Uploads the message's files; their media ids in order.
    func upload(_ prepared: OutboundDelivery.Prepared) async throws -> [String] {
        var ids: [String] = []
        for file in prepared.files {
            let bytes = try await storage.read(file.storageKey)
            let answer = try await graph.upload("\(prepared.account.graphBaseURL)/\(prepared.account.externalID ?? "")/media",
                                                token: prepared.secrets.accessToken,
                                                fields: [("messaging_product", "whatsapp"), ("type", file.mimeType)],
                                                file: bytes, filename: file.filename, contentType: file.mimeType)
            if let error = answer.error { throw error }
            guard let id = answer.json["id"] as? String else {
                throw GraphAPIClient.GraphError(status: answer.status, code: nil, subcode: nil, message: "the upload answer names no media id", details: "")
            }
            ids.append(id)
        }
        return ids
    }

    /// The `interactive` object of a reply-buttons or list message.
    static func interactive(_ prepared: OutboundDelivery.Prepared) -> [String: Any] {
        let body = ["text": ChannelFormatter.render(prepared.text, for: .whatsapp)]
        if let stored = prepared.content.objectValue["list"], let data = try? JSONEncoder().encode(stored),
           let list = try? JSONDecoder().decode(OutboundRequest.List.self, from: data) {
            let sections: [[String: Any]] = list.sections.map { section in
                var out: [String: Any] = ["rows": section.rows.map { row -> [String: Any] in
                    var fields: [String: Any] = ["id": row.id, "title": row.title]
                    if let description = row.description { fields["description"] = description }
                    return fields
                }]
                if let title = section.title { out["title"] = title }
                return out
            }
            return ["type": "list", "body": body, "action": ["button": list.button, "sections": sections]]
        }
        var buttons: [[String: Any]] = []
        if case .array(let items) = prepared.content.objectValue["buttons"] ?? .null {
            for item in items {
                let fields = item.objectValue
                guard case .string(let id) = fields["id"] ?? .null, case .string(let title) = fields["title"] ?? .null else { continue }
                buttons.append(["type": "reply", "reply": ["id": id, "title": title]])
            }
        }
        return ["type": "button", "body": body, "action": ["buttons": buttons]]
    }
}
