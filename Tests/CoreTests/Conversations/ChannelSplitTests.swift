import GlavitoCore
import Testing

/// Splitting long texts into parts a channel accepts.
@Suite("Conversations: splitting long messages")
struct ChannelSplitTests {
    /// The whitespace-separated words of `text`.
    func words(_ text: String) -> [Substring] { text.split(whereSeparator: \.isWhitespace) }

    @Test("Instagram: multi-byte text and emoji split into parts of at most 1,000 bytes that rejoin to the words")
    func instagram() {
        let vocabulary = ["Grüße", "👨‍👩‍👧‍👦", "naïve", "cafe\u{301}", "日本語のテキスト", "🇩🇪", "Straße", "👍🏽", "ok", "Ελληνικά"]
        let text = (0..<900).map { vocabulary[$0 % vocabulary.count] }.joined(separator: " ")
        #expect(text.utf8.count > 7000)
        let parts = ChannelFormatter.split(text, maxUTF8Bytes: ChannelFormatter.instagramTextLimitBytes)
        #expect(parts.count >= 8)
        for part in parts {
            #expect(part.utf8.count <= 1000)
            #expect(!part.isEmpty && part.first?.isWhitespace == false && part.last?.isWhitespace == false)
        }
        #expect(parts.flatMap(words) == words(text))
    }

    @Test("a word longer than the limit is cut between grapheme clusters, never inside one")
    func longWord() {
        let family = "👨‍👩‍👧‍👦" // 25 bytes
        let word = String(repeating: family, count: 100)
        let parts = ChannelFormatter.split(word, maxUTF8Bytes: 1000)
        #expect(parts.map(\.utf8.count) == [1000, 1000, 500])
        #expect(parts.joined() == word)
        let accents = String(repeating: "e\u{301}", count: 700) // 3 bytes per character
        let cut = ChannelFormatter.split(accents, maxUTF8Bytes: 1000)
        #expect(cut.map(\.count) == [333, 333, 34])
        #expect(cut.joined() == accents)
    }

    @Test("paragraph breaks are preferred, then line breaks, then spaces")
    func preferences() {
        let first = Array(repeating: "wort", count: 140).joined(separator: " ") // 699 bytes
        let second = Array(repeating: "satz", count: 140).joined(separator: " ")
        #expect(ChannelFormatter.split(first + "\n\n" + second, maxUTF8Bytes: 1000) == [first, second])
        let lines = first + "\n" + second
        #expect(ChannelFormatter.split(lines, maxUTF8Bytes: 1000) == [first, second])
        let mixed = first + "\nabc\n\n" + second
        #expect(ChannelFormatter.split(mixed, maxUTF8Bytes: 1000) == [first + "\nabc", second])
        let spaces = ChannelFormatter.split(first + " " + second, maxUTF8Bytes: 1000)
        #expect(spaces.count == 2 && spaces[0].utf8.count == 999 && spaces[0].hasSuffix("satz"))
    }

    @Test("short texts stay whole, blank texts give nothing, and WhatsApp counts characters")
    func limits() {
        #expect(ChannelFormatter.split("  Hallo  ", maxUTF8Bytes: 1000) == ["Hallo"])
        #expect(ChannelFormatter.split(" \n ", maxUTF8Bytes: 1000) == [])
        let text = String(repeating: "ü ", count: 3000)
        let parts = ChannelFormatter.split(text, maxCharacters: ChannelFormatter.whatsappTextLimit)
        #expect(parts.count == 2 && parts.allSatisfy { $0.count <= 4096 })
        #expect(parts.flatMap(words) == words(text))
        #expect(ChannelFormatter.split("👨‍👩‍👧‍👦", maxUTF8Bytes: 4) == ["👨‍👩‍👧‍👦"])
    }
}
