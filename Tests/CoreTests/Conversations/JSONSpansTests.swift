import Foundation
@testable import GlavitoCore
import Testing

/// A WhatsApp message is kept as received by slicing it out of the webhook body: the slices must be the very values
/// `JSONSerialization` parses at the path, whatever the layout; anything unexpected falls back to re-serialising.
@Suite("Conversations: JSON spans")
struct JSONSpansTests {
    static let messages: [JSONSpans.Step] = [.key("entry"), .element, .key("changes"), .element, .key("value"), .key("messages"), .element]

    /// Parses `text` as Foundation does, for comparing values.
    static func parsed(_ text: some Collection<UInt8>) throws -> NSObject {
        try #require(try JSONSerialization.jsonObject(with: Data(text), options: [.fragmentsAllowed]) as? NSObject)
    }

    @Test("every WhatsApp fixture: each message's slice parses to the message object, and the parser stores it as content")
    func fixtures() throws {
        var (sliced, parsedMessages) = (0, 0)
        for name in try MetaFixture.names("whatsapp") {
            let body = try MetaFixture.body("whatsapp", name)
            let spans = try #require(JSONSpans.find(Self.messages, in: body), "\(name)")
            let root = try #require(try JSONSerialization.jsonObject(with: Data(body)) as? [String: Any])
            var expected: [[Int]: NSObject] = [:]
            for (e, entry) in ((root["entry"] as? [[String: Any]]) ?? []).enumerated() {
                for (c, change) in ((entry["changes"] as? [[String: Any]]) ?? []).enumerated() {
                    for (m, message) in (((change["value"] as? [String: Any])?["messages"] as? [Any]) ?? []).enumerated() {
                        expected[[e, c, m]] = message as? NSObject
                    }
                }
            }
            #expect(Set(spans.keys) == Set(expected.keys), "\(name)")
            for (indices, range) in spans {
                #expect(try Self.parsed(body[range]) == expected[indices], "\(name) \(indices)")
                sliced += 1
            }
            for message in (try? WhatsAppWebhookParser.parse(body))?.messages ?? [] {
                #expect(message.content.hasPrefix("{"))
                #expect(String(decoding: body, as: UTF8.self).contains(message.content), "\(name): the content is the slice itself")
                parsedMessages += 1
            }
        }
        #expect(sliced == parsedMessages && sliced >= 17)
    }

    @Test("pretty-printed, with brackets, quotes and escapes in strings, several entries and non-object elements: the right slices")
    func layouts() throws {
        let body = """
            { "object" : "whatsapp_business_account",
              "entry" : [ 7, { "id": "x", "changes": [ { "field": "statuses", "value": { "statuses": [] } },
                { "field" : "messages", "value" : { "messages" : [ null,
                  { "id" : "a\\"]}{", "text" : { "body" : "\\u00e9 [1, {2}] \\\\" } , "n": -1.5e3, "ok": true } ] } } ] },
                { "changes": [ { "value": { "messages": [ {"id":"b"} ] } } ] } ] }
            """
        let bytes = Array(body.utf8)
        let spans = try #require(JSONSpans.find(Self.messages, in: bytes))
        #expect(spans.count == 3)
        #expect(try Self.parsed(bytes[try #require(spans[[1, 1, 0]])]) == NSNull())
        let first = try Self.parsed(bytes[try #require(spans[[1, 1, 1]])]) as? [String: Any]
        #expect(first?["id"] as? String == "a\"]}{")
        #expect((first?["text"] as? [String: Any])?["body"] as? String == "é [1, {2}] \\")
        #expect(String(decoding: bytes[try #require(spans[[2, 0, 0]])], as: UTF8.self) == #"{"id":"b"}"#)
    }

    @Test("a member named twice on the path is left out (the parser re-serialises it); broken bytes give nil")
    func ambiguousAndBroken() throws {
        let twice = Array(#"{"entry":[{"changes":[{"value":{"messages":[{"id":"1"}],"messages":[{"id":"2"}]}}]}]}"#.utf8)
        #expect(try #require(JSONSpans.find(Self.messages, in: twice)).isEmpty)
        for broken in [#"{"entry":[{"changes":[{"value":{"messages":[{"id":"1"}]}}]}"#, #"{"entry": [1, 2"#, #"{"a" 1}"#, #"{"a":"open}"#, "", "{}x"] {
            #expect(JSONSpans.find(Self.messages, in: Array(broken.utf8)) == nil, "\(broken)")
        }
        let deep = Array((String(repeating: "[", count: 300) + String(repeating: "]", count: 300)).utf8)
        #expect(JSONSpans.find(Self.messages, in: deep) == nil, "nesting beyond 256 levels is refused, not recursed into")
    }

    @Test("hex is lower-case and two digits per byte; lock order is the order of uuidString, for 10,000 random pairs")
    func hexAndLockOrder() {
        for _ in 0..<200 {
            let bytes = (0..<Int.random(in: 0...40)).map { _ in UInt8.random(in: 0...255) }
            #expect(Hashing.hex(bytes) == bytes.map { String(format: "%02x", $0) }.joined())
        }
        for _ in 0..<10_000 {
            let a = UUID()
            var b = UUID()
            if Bool.random() {
                // Often sharing a prefix, so later bytes decide.
                let shared = Int.random(in: 1...35)
                b = UUID(uuidString: String(a.uuidString.prefix(shared)) + String(b.uuidString.dropFirst(shared))) ?? b
            }
            #expect(UUID.lockOrder(a, b) == (a.uuidString < b.uuidString))
            #expect(UUID.lockOrder(a, a) == false)
        }
    }
}
