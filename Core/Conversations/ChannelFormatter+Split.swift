extension ChannelFormatter {
    /// `text` in parts of at most `maxUTF8Bytes` UTF-8 bytes each (Instagram: ``instagramTextLimitBytes``).
    /// See ``split(_:limit:cost:)``.
    public static func split(_ text: String, maxUTF8Bytes: Int) -> [String] {
        split(text, limit: maxUTF8Bytes) { $0.utf8.count }
    }

    /// `text` in parts of at most `maxCharacters` characters each (WhatsApp: ``whatsappTextLimit``).
    public static func split(_ text: String, maxCharacters: Int) -> [String] {
        split(text, limit: maxCharacters) { _ in 1 }
    }

    /// `text` in parts whose characters cost at most `limit` together. Cuts at whitespace, preferring a paragraph
    /// break, then a line break, in the second half of a part; a word longer than a part is cut between
    /// characters (grapheme clusters), never inside one. Whitespace at the cuts is dropped, so the parts hold the
    /// text's words in order. A blank text gives no parts; a single character costing more than `limit` is a part
    /// of its own.
    public static func split(_ text: String, limit: Int, cost: (Character) -> Int) -> [String] {
        var parts: [String] = []
        var rest = text[...].drop(while: \.isWhitespace)
        while !rest.isEmpty {
            var used = 0
            var end = rest.startIndex
            var space: String.Index?, line: String.Index?, paragraph: String.Index?
            var previousWasNewline = false
            while end < rest.endIndex {
                let character = rest[end]
                let width = cost(character)
                guard used + width <= limit else { break }
                let secondHalf = used * 2 >= limit
                if character.isWhitespace {
                    space = end
                    if character.isNewline && secondHalf {
                        if previousWasNewline { paragraph = end } else { line = end }
                    }
                }
                previousWasNewline = character.isNewline || (previousWasNewline && character.isWhitespace)
                used += width
                end = rest.index(after: end)
            }
            var cut = end
            if end < rest.endIndex {
                let wordEnd = rest[end].isWhitespace ? end : space
                cut = paragraph ?? line ?? wordEnd ?? (end == rest.startIndex ? rest.index(after: end) : end)
            }
            let part = rest[..<cut].trimmingTrailingWhitespace()
            if !part.isEmpty { parts.append(String(part)) }
            rest = rest[cut...].drop(while: \.isWhitespace)
        }
        return parts
    }
}

extension Substring {
    /// The text without trailing whitespace.
    func trimmingTrailingWhitespace() -> Substring {
        guard let last = lastIndex(where: { !$0.isWhitespace }) else { return self[startIndex..<startIndex] }
        return self[...last]
    }
}
