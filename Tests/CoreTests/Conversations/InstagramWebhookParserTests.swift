import Foundation
import GlavitoCore
import Testing

/// The Instagram Messaging parser against the fixtures in `Fixtures/meta/instagram`.
@Suite("Conversations: Instagram webhook parser")
struct InstagramWebhookParserTests {
    static let customer = [IdentityClaim(kind: .instagram, value: "IGSID_CUSTOMER")]
    static let sentAt = Date(timeIntervalSince1970: 1_749_416_383.123)

    /// The one message of fixture `name`.
    func message(_ name: String) throws -> InboundMessage {
        try MetaFixture.onlyMessage("instagram", name) { try InstagramWebhookParser.parse($0) }
    }

    @Test("a text message: the business is the recipient, the customer the sender, time in milliseconds")
    func text() throws {
        let text = try message("text")
        #expect(text.channel == .instagram)
        #expect(text.accountID == "IG_ACCOUNT_ID")
        #expect(text.providerMessageID == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx")
        #expect(text.sender == Self.customer)
        #expect(abs(text.sentAt.timeIntervalSince(Self.sentAt)) < 0.001)
        #expect(text.type == .text)
        #expect(text.text == "Hi! Habt ihr die Jacke noch in M?")
        #expect(!text.isEcho && !text.isDeletion)
        #expect(JSONValue.parse(text.content).objectValue["message"]?.objectValue["mid"]
                == .string("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx"))
        #expect(text.content.contains(#""sender":{"id":"IGSID_CUSTOMER"}"#))
    }

    @Test("attachments: image, story mention and share carry their URLs", arguments: [
        ("image", MessageContentType.image, "MEDIA_ID_IMAGE"),
        ("story_mention", .storyMention, "MEDIA_ID_STORY"),
        ("share", .share, "MEDIA_ID_SHARE"),
    ])
    func attachments(name: String, type: MessageContentType, asset: String) throws {
        let inbound = try message(name)
        #expect(inbound.type == type)
        let media = try #require(inbound.media.first)
        #expect(media.kind == type)
        #expect(media.url?.contains("asset_id=\(asset)&") == true)
        #expect(media.providerMediaID == nil)
    }

    @Test("a story reply keeps the text and the story's URL")
    func storyReply() throws {
        let reply = try message("story_reply")
        #expect(reply.type == .storyReply)
        #expect(reply.text == "Wann kommt die wieder rein?")
        #expect(reply.media.first?.url?.contains("MEDIA_ID_STORY_REPLY") == true)
        #expect(reply.replyToProviderMessageID == nil)
    }

    @Test("reply_to.mid is the message replied to")
    func reply() throws {
        #expect(try message("reply").replyToProviderMessageID == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDk5")
    }

    @Test("quick replies and postbacks carry their titles")
    func buttons() throws {
        let quick = try message("quick_reply")
        #expect(quick.type == .quickReply)
        #expect(quick.text == "Größe M")
        let postback = try message("postback")
        #expect(postback.type == .postback)
        #expect(postback.text == "Mit einem Menschen sprechen")
        #expect(postback.providerMessageID == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDA3")
        #expect(postback.content.contains(#""payload":"TALK_TO_AGENT""#))
    }

    @Test("reactions and their removal")
    func reactions() throws {
        let target = "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDk5"
        let react = try message("reaction")
        #expect(react.type == .reaction)
        #expect(react.reaction == Reaction(targetProviderMessageID: target, emoji: "❤️"))
        let unreact = try message("unreact")
        #expect(unreact.reaction == Reaction(targetProviderMessageID: target, emoji: nil))
        #expect(react.providerMessageID == "react:IGSID_CUSTOMER:\(target):1749416383123")
        #expect(unreact.providerMessageID == "unreact:IGSID_CUSTOMER:\(target):1749416383123")
    }

    @Test("a read receipt is a read status of our message")
    func read() throws {
        let batch = try InstagramWebhookParser.parse(try MetaFixture.body("instagram", "read"))
        #expect(batch.messages.isEmpty)
        let update = try #require(batch.statuses.first)
        #expect(update.channel == .instagram)
        #expect(update.accountID == "IG_ACCOUNT_ID")
        #expect(update.providerMessageID == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDk5")
        #expect(update.status == .read)
        #expect(update.recipient == "IGSID_CUSTOMER")
    }

    @Test("an echo belongs to the business account and names the customer as recipient")
    func echo() throws {
        let echo = try message("echo")
        #expect(echo.isEcho)
        #expect(echo.accountID == "IG_ACCOUNT_ID")
        #expect(echo.sender == Self.customer)
        #expect(echo.text == "Ja, M ist noch da!")
    }

    @Test("a deletion names the deleted message")
    func deleted() throws {
        let deletion = try message("deleted")
        #expect(deletion.isDeletion)
        #expect(deletion.providerMessageID == "aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDAx")
        #expect(deletion.sender == Self.customer)
    }

    @Test("every fixture parses; other objects and non-JSON are refused; unknown events are ignored")
    func envelopes() throws {
        for name in try MetaFixture.names("instagram") {
            let batch = try InstagramWebhookParser.parse(try MetaFixture.body("instagram", name))
            #expect(batch.messages.count + batch.statuses.count == 1, "\(name)")
        }
        #expect(throws: ChannelPayloadError.unexpectedObject(expected: "instagram", found: "whatsapp_business_account")) {
            try InstagramWebhookParser.parse(try MetaFixture.body("whatsapp", "text"))
        }
        #expect(throws: ChannelPayloadError.notJSON) { try InstagramWebhookParser.parse(Array("{".utf8)) }
        let unknown = #"{"object":"instagram","entry":[{"id":"IG_ACCOUNT_ID","time":1,"messaging":[{"sender":{"id":"IGSID_CUSTOMER"},"recipient":{"id":"IG_ACCOUNT_ID"},"timestamp":1749416383123,"optin":{"ref":"x"}}]}]}"#
        #expect(try InstagramWebhookParser.parse(Array(unknown.utf8)) == ChannelWebhookBatch())
        let wrapped = #"{"object":"instagram","entry":[{"id":"IG_ACCOUNT_ID","time":1,"changes":[{"field":"messages","value":{"sender":{"id":"IGSID_CUSTOMER"},"recipient":{"id":"IG_ACCOUNT_ID"},"timestamp":"1749416383123","message":{"mid":"MID_TEST","text":"test"}}}]}]}"#
        let test = try #require(try InstagramWebhookParser.parse(Array(wrapped.utf8)).messages.first)
        #expect(test.providerMessageID == "MID_TEST" && test.text == "test" && test.accountID == "IG_ACCOUNT_ID")
    }
}
