import Foundation
@testable import GlavitoCore
import Testing

/// The messages' JSON for the set-wise insert is written by hand; Foundation's parser must read every field back,
/// whatever the text holds, and absent values must be absent (NULL in `jsonb_to_recordset`).
@Suite("Conversations: message insert JSON")
struct MessageInsertJSONTests {
    static let awkward = ["", "plain", "quote \" backslash \\ slash /", "line\nbreak\r\ttab", "control \u{0}\u{1}\u{1F}", "emoji 👩‍💻 and é",
                          "separators \u{2028}\u{2029}", "<script>alert(1)</script>", String(repeating: "long ", count: 500)]

    @Test("1,000 random messages with awkward texts, contents and ids: every field reads back as given")
    func roundTrip() throws {
        let kinds: [ChannelKind] = [.whatsapp, .instagram, .email, .webchat]
        var news: [MessageStore.New] = []
        for index in 0..<1_000 {
            var new = MessageStore.New(ticketID: UUID(), contactID: UUID(), channel: kinds[index % kinds.count],
                                       channelAccountID: Bool.random() ? UUID() : nil, direction: Bool.random() ? "inbound" : "outbound",
                                       authorKind: "contact", authorID: Bool.random() ? UUID() : nil, type: .text,
                                       text: Bool.random() ? Self.awkward.randomElement()! : nil,
                                       content: String(decoding: try JSONSerialization.data(withJSONObject: ["body": Self.awkward.randomElement()!]), as: UTF8.self),
                                       providerMessageID: Bool.random() ? "wamid.\(Self.awkward.randomElement()!)" : nil,
                                       replyToMessageID: Bool.random() ? UUID() : nil, deliveryStatus: Bool.random() ? .sent : nil,
                                       sentAt: Date(timeIntervalSince1970: Double.random(in: 0...2_000_000_000).rounded() / 1000 * 1000 + Double(index % 1000) / 1000))
            new.recipientIdentityID = Bool.random() ? UUID() : nil
            news.append(new)
        }
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(MessageStore.insertJSON(news).utf8)) as? [[String: Any]])
        #expect(rows.count == news.count)
        for (row, new) in zip(rows, news) {
            func uuid(_ key: String) -> UUID? { (row[key] as? String).flatMap(UUID.init(uuidString:)) }
            #expect(uuid("id") == new.id && uuid("ticket_id") == new.ticketID && uuid("contact_id") == new.contactID)
            #expect(uuid("channel_account_id") == new.channelAccountID && uuid("author_id") == new.authorID)
            #expect(uuid("reply_to_message_id") == new.replyToMessageID && uuid("recipient_identity_id") == new.recipientIdentityID)
            #expect(row["channel"] as? String == new.channel.rawValue && row["type"] as? String == new.type.rawValue)
            #expect(row["direction"] as? String == new.direction && row["author_kind"] as? String == new.authorKind)
            #expect(row["text"] as? String == new.text && row["content"] as? String == new.content)
            #expect(row["provider_message_id"] as? String == new.providerMessageID)
            #expect(row["delivery_status"] as? String == new.deliveryStatus?.rawValue)
            #expect((row["sent_at"] as? Double).map { abs($0 - new.sentAt.timeIntervalSince1970) < 1e-6 } == true)
            #expect(row.keys.contains("text") == (new.text != nil), "an absent value is left out")
        }
        #expect(MessageStore.insertJSON([]) == "[]")
    }

    @Test("hex decodes either case and nothing else")
    func hexDecoding() {
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0...40)).map { _ in UInt8.random(in: 0...255) }
            #expect(Hashing.bytes(hex: Hashing.hex(bytes)) == bytes)
            #expect(Hashing.bytes(hex: Hashing.hex(bytes).uppercased()) == bytes)
        }
        for bad in ["0", "+f", "-1", "0g", " 0", "00 "] { #expect(Hashing.bytes(hex: bad) == nil, "\(bad)") }
    }
}
