import Foundation
import GlavitoCore

/// A timeline message with its text as safe HTML (`html`): customers' WhatsApp formatting rendered by
/// ``ChannelFormatter/inboundHTML(_:channel:)``, agents' markup (replies and notes) by ``ChannelFormatter/render(_:for:)``.
struct RenderedMessage: Encodable {
    var message: Message

    /// `message` with a signed `thumbnail_url` on each attachment that has a stored thumbnail.
    init(message: Message, signer: AttachmentURLSigner? = nil, tenant: TenantID? = nil) {
        self.message = message
        guard let signer, let tenant else { return }
        for index in self.message.attachments.indices {
            if let thumbnail = self.message.attachments[index].thumbnailID {
                self.message.attachments[index].thumbnailURL = signer.url(tenant: tenant, attachment: thumbnail).path
            }
        }
    }

    enum CodingKeys: String, CodingKey { case html }

    var html: String? {
        // An email's HTML was sanitised when it arrived (EmailHTMLSanitizer); its new part is what the timeline shows.
        if message.channel == .email, message.direction == "inbound", case .string(let html)? = message.content.objectValue["html"], !html.isEmpty {
            return html
        }
        guard let text = message.text, !text.isEmpty else { return nil }
        return message.direction == "inbound" ? ChannelFormatter.inboundHTML(text, channel: message.channel) : ChannelFormatter.render(text, for: .html)
    }

    func encode(to encoder: any Encoder) throws {
        try message.encode(to: encoder)
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encodeIfPresent(html, forKey: .html)
    }
}
