import Foundation
import GlavitoCore
import Testing

/// The WhatsApp Cloud API parser against the fixtures in `Fixtures/meta/whatsapp`.
@Suite("Conversations: WhatsApp webhook parser")
struct WhatsAppWebhookParserTests {
    static let sentAt = Date(timeIntervalSince1970: 1_749_416_383)
    static let customer: [IdentityClaim] = [
        IdentityClaim(kind: .whatsapp, value: "4915112345678"),
        IdentityClaim(kind: .phone, value: "+4915112345678"),
        IdentityClaim(kind: .whatsappUser, value: "DE.1234567890123456"),
    ]

    /// The one message of fixture `name`, its content (kept as received, so laid out as in the fixture) made compact.
    func message(_ name: String) throws -> InboundMessage {
        var message = try MetaFixture.onlyMessage("whatsapp", name) { try WhatsAppWebhookParser.parse($0) }
        let object = try JSONSerialization.jsonObject(with: Data(message.content.utf8))
        message.content = String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.withoutEscapingSlashes]), as: UTF8.self)
        return message
    }

    @Test("a text message: account, ids, sender identities, profile name, time, raw content")
    func text() throws {
        let text = try message("text")
        #expect(text.channel == .whatsapp)
        #expect(text.accountID == "PHONE_NUMBER_ID")
        #expect(text.providerMessageID == "wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBMEI0001")
        #expect(text.sender == Self.customer)
        #expect(text.profileName == "Lena Schmidt")
        #expect(text.sentAt == Self.sentAt)
        #expect(text.type == .text)
        #expect(text.text == "Hallo! Wo ist meine Bestellung #4711?")
        #expect(text.replyToProviderMessageID == nil)
        #expect(JSONValue.parse(text.content) == JSONValue.parse(#"{"from":"4915112345678","from_user_id":"DE.1234567890123456","id":"wamid.HBgNNDkxNTExMjM0NTY3OBUCABIYFDNBMEI0001","text":{"body":"Hallo! Wo ist meine Bestellung #4711?"},"timestamp":"1749416383","type":"text"}"#))
    }

    @Test("context.id is the message replied to")
    func reply() throws {
        #expect(try message("text_reply").replyToProviderMessageID == "wamid.OUTBOUND_MESSAGE_ID")
    }

    @Test("media messages carry the media id, MIME type, checksum, file name and caption", arguments: [
        ("image", MessageContentType.image, "MEDIA_ID_IMAGE", "image/jpeg", nil, "So kam das Paket an"),
        ("audio", .audio, "MEDIA_ID_AUDIO", "audio/mpeg", nil, nil),
        ("voice", .voice, "MEDIA_ID_VOICE", "audio/ogg; codecs=opus", nil, nil),
        ("video", .video, "MEDIA_ID_VIDEO", "video/mp4", nil, "Das Geräusch beim Einschalten"),
        ("document", .document, "MEDIA_ID_DOCUMENT", "application/pdf", "Rechnung-2025-0042.pdf", "Rechnung"),
        ("sticker", .sticker, "MEDIA_ID_STICKER", "image/webp", nil, nil),
    ] as [(String, MessageContentType, String, String, String?, String?)])
    func media(name: String, type: MessageContentType, mediaID: String, mime: String, filename: String?, caption: String?) throws {
        let inbound = try message(name)
        #expect(inbound.type == type)
        #expect(inbound.text == caption)
        let media = try #require(inbound.media.first)
        #expect(inbound.media.count == 1)
        #expect(media.kind == type)
        #expect(media.providerMediaID == mediaID)
        #expect(media.mimeType == mime)
        #expect(media.filename == filename)
        #expect(media.sha256?.count == 64)
        #expect(media.url == nil)
    }

    @Test("location, shared contacts, interactive and template button replies become text")
    func textual() throws {
        let location = try message("location")
        #expect(location.type == .location)
        #expect(location.text == "Filiale Alexanderplatz\nAlexanderplatz 1, 10178 Berlin")
        #expect(location.content.contains(#""latitude":52.521918"#))

        let contacts = try message("contacts")
        #expect(contacts.type == .contacts)
        #expect(contacts.text == "Max Mustermann")
        #expect(contacts.content.contains(#""formatted_name":"Max Mustermann""#))

        let button = try message("interactive_button_reply")
        #expect(button.type == .interactive)
        #expect(button.text == "Ja, verschieben")
        #expect(button.replyToProviderMessageID == "wamid.OUTBOUND_INTERACTIVE_ID")
        #expect(button.content.contains(#""id":"reschedule_yes""#))

        let list = try message("interactive_list_reply")
        #expect(list.type == .interactive)
        #expect(list.text == "Dienstag 10:00")

        let template = try message("button")
        #expect(template.type == .button)
        #expect(template.text == "Keine Werbung mehr")
        #expect(template.replyToProviderMessageID == "wamid.OUTBOUND_TEMPLATE_ID")
    }

    @Test("a reaction names the message and the emoji; an empty emoji removes it")
    func reactions() throws {
        let reaction = try message("reaction")
        #expect(reaction.type == .reaction)
        #expect(reaction.reaction == Reaction(targetProviderMessageID: "wamid.OUTBOUND_MESSAGE_ID", emoji: "👍"))
        let removal = try message("reaction_removed")
        #expect(removal.type == .reaction)
        #expect(removal.reaction == Reaction(targetProviderMessageID: "wamid.OUTBOUND_MESSAGE_ID", emoji: nil))
    }

    @Test("unsupported and unknown types are kept as unsupported with their content")
    func unsupported() throws {
        let unsupported = try message("unsupported")
        #expect(unsupported.type == .unsupported)
        #expect(unsupported.text == nil)
        #expect(unsupported.content.contains("131051"))

        let body = Self.envelope(#"{"from":"4915112345678","id":"wamid.X","timestamp":"1749416383","type":"hologram","hologram":{"depth":3}}"#)
        let unknown = try #require(try WhatsAppWebhookParser.parse(Array(body.utf8)).messages.first)
        #expect(unknown.type == .unsupported)
        #expect(JSONValue.parse(unknown.content) == JSONValue.parse(#"{"from":"4915112345678","hologram":{"depth":3},"id":"wamid.X","timestamp":"1749416383","type":"hologram"}"#))
    }

    @Test("without from (phone withheld) the BSUID is the only identity")
    func bsuidOnly() throws {
        let inbound = try message("bsuid_only")
        #expect(inbound.sender == [IdentityClaim(kind: .whatsappUser, value: "DE.1234567890123456")])
        #expect(inbound.profileName == "Lena Schmidt")
        #expect(inbound.text == "Ich schreibe über meinen Benutzernamen.")
    }

    @Test("the BSUID also comes from contacts[].user_id when the message has no from_user_id")
    func bsuidFromContacts() throws {
        let body = Self.envelope(#"{"from":"4915112345678","id":"wamid.Y","timestamp":"1749416383","type":"text","text":{"body":"hi"}}"#,
                                 contacts: #"[{"profile":{"name":"Lena"},"wa_id":"4915112345678","user_id":"DE.99"}]"#)
        let inbound = try #require(try WhatsAppWebhookParser.parse(Array(body.utf8)).messages.first)
        #expect(inbound.sender.map(\.kind) == [.whatsapp, .phone, .whatsappUser])
        #expect(inbound.sender.last?.value == "DE.99")
        #expect(inbound.profileName == "Lena")
    }

    @Test("statuses: sent, delivered and read with recipient and callback data")
    func statuses() throws {
        for (name, status) in [("statuses_sent", DeliveryStatus.sent), ("statuses_delivered", .delivered), ("statuses_read", .read)] {
            let batch = try WhatsAppWebhookParser.parse(try MetaFixture.body("whatsapp", name))
            #expect(batch.messages.isEmpty)
            let update = try #require(batch.statuses.first)
            #expect(batch.statuses.count == 1)
            #expect(update == StatusUpdate(channel: .whatsapp, accountID: "PHONE_NUMBER_ID", providerMessageID: "wamid.OUTBOUND_MESSAGE_ID",
                                           status: status, timestamp: Date(timeIntervalSince1970: 1_749_416_400),
                                           recipient: "4915112345678", callbackData: "msg_01JAXYZ"))
        }
    }

    @Test("a failed status carries the error code, title and details")
    func failed() throws {
        let update = try #require(try WhatsAppWebhookParser.parse(try MetaFixture.body("whatsapp", "statuses_failed")).statuses.first)
        #expect(update.status == .failed)
        #expect(update.errorCode == 131047)
        #expect(update.errorTitle == "Re-engagement message")
        #expect(update.errorDetail?.hasPrefix("Message failed to send because more than 24 hours") == true)
    }

    @Test("value.errors are reported as account-level errors")
    func errors() throws {
        let batch = try WhatsAppWebhookParser.parse(try MetaFixture.body("whatsapp", "errors"))
        #expect(batch.errors == [ChannelWebhookError(channel: .whatsapp, accountID: "PHONE_NUMBER_ID", code: 130429,
                                                     title: "Rate limit hit", detail: "Cloud API message throughput has been reached.")])
    }

    @Test("every fixture parses")
    func everyFixture() throws {
        for name in try MetaFixture.names("whatsapp") {
            let batch = try WhatsAppWebhookParser.parse(try MetaFixture.body("whatsapp", name))
            #expect(batch.messages.count + batch.statuses.count + batch.errors.count == 1, "\(name)")
        }
    }

    @Test("other fields are ignored; bodies that are not JSON or not WhatsApp are refused")
    func envelopes() throws {
        let other = #"{"object":"whatsapp_business_account","entry":[{"id":"WABA_ID","changes":[{"field":"account_update","value":{"event":"VERIFIED_ACCOUNT"}}]}]}"#
        #expect(try WhatsAppWebhookParser.parse(Array(other.utf8)) == ChannelWebhookBatch())
        #expect(throws: ChannelPayloadError.notJSON) { try WhatsAppWebhookParser.parse(Array("not json".utf8)) }
        #expect(throws: ChannelPayloadError.notJSON) { try WhatsAppWebhookParser.parse(Array("[1,2]".utf8)) }
        #expect(throws: ChannelPayloadError.unexpectedObject(expected: "whatsapp_business_account", found: "instagram")) {
            try WhatsAppWebhookParser.parse(try MetaFixture.body("instagram", "text"))
        }
        let error = ChannelPayloadError.unexpectedObject(expected: "whatsapp_business_account", found: nil)
        #expect(error.description == #"the webhook body's "object" is missing, expected "whatsapp_business_account""#)
        let noAccount = #"{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"messages":[]}}]}]}"#
        #expect(throws: ChannelPayloadError.missingField("entry[].changes[].value.metadata.phone_number_id")) {
            try WhatsAppWebhookParser.parse(Array(noAccount.utf8))
        }
    }

    /// A webhook body with one message (JSON text) for phone number id `PHONE_NUMBER_ID`.
    static func envelope(_ message: String, contacts: String = "[]") -> String {
        #"{"object":"whatsapp_business_account","entry":[{"id":"WABA_ID","changes":[{"field":"messages","value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"4930123456","phone_number_id":"PHONE_NUMBER_ID"},"contacts":"#
            + contacts + #","messages":["# + message + "]}}]}]}"
    }
}
