/// A forgiving, single-pass HTML tokenizer for mail bodies: text, start tags with attributes, end tags. Comments,
/// doctypes and processing instructions are skipped; the content of raw-text elements (script, style, textarea,
/// title, xmp) is one text token ending at the matching end tag.
struct HTMLTokenizer {
    enum Token {
        /// Text between tags, entities not yet decoded.
        case text(Substring)
        /// A start tag: lower-cased name, attributes (lower-cased names, entity-decoded values), `/>`.
        case start(name: String, attributes: [(name: String, value: String)], selfClosing: Bool, range: Range<String.Index>)
        /// An end tag's lower-cased name.
        case end(name: String, range: Range<String.Index>)
    }

    /// At most this many attributes are kept per tag.
    static let maximumAttributes = 64
    private static let rawTextElements: Set<String> = ["script", "style", "textarea", "title", "xmp", "noembed", "noframes", "iframe"]

    private let html: String
    private let utf8: String.UTF8View
    private var position: String.Index
    private var rawTextEnd: String?

    init(_ html: String) {
        self.html = html
        self.utf8 = html.utf8
        self.position = html.utf8.startIndex
    }

    /// Start of the token `next()` returns.
    var offset: String.Index { position }

    mutating func next() -> Token? {
        guard position < utf8.endIndex else { return nil }
        if let element = rawTextEnd {
            rawTextEnd = nil
            let start = position
            let end = findEndTag(element, from: position)
            position = end
            if start < end { return .text(html[start..<end]) }
        }
        let start = position
        if utf8[position] != UInt8(ascii: "<") {
            while position < utf8.endIndex, utf8[position] != UInt8(ascii: "<") { position = utf8.index(after: position) }
            return .text(html[start..<position])
        }
        let afterLT = utf8.index(after: position)
        guard afterLT < utf8.endIndex else {
            position = afterLT
            return .text(html[start..<afterLT])
        }
        let first = utf8[afterLT]
        if first == UInt8(ascii: "!") || first == UInt8(ascii: "?") {
            position = skipMarkupDeclaration(from: afterLT)
            return next()
        }
        let isEnd = first == UInt8(ascii: "/")
        var cursor = isEnd ? utf8.index(after: afterLT) : afterLT
        guard cursor < utf8.endIndex, Self.isLetter(utf8[cursor]) else {
            if isEnd {  // "</" not followed by a letter: a bogus comment up to ">"
                position = skipTo(UInt8(ascii: ">"), from: cursor)
                return next()
            }
            position = afterLT
            return .text(html[start..<afterLT])
        }
        let nameStart = cursor
        while cursor < utf8.endIndex, !Self.isSpace(utf8[cursor]), utf8[cursor] != UInt8(ascii: ">"), utf8[cursor] != UInt8(ascii: "/") {
            cursor = utf8.index(after: cursor)
        }
        let name = html[nameStart..<cursor].lowercased()
        var attributes: [(name: String, value: String)] = []
        var selfClosing = false
        while cursor < utf8.endIndex {
            let byte = utf8[cursor]
            if byte == UInt8(ascii: ">") { cursor = utf8.index(after: cursor); break }
            if Self.isSpace(byte) { cursor = utf8.index(after: cursor); continue }
            if byte == UInt8(ascii: "/") {
                selfClosing = true
                cursor = utf8.index(after: cursor)
                continue
            }
            selfClosing = false
            let attributeStart = cursor
            while cursor < utf8.endIndex, !Self.isSpace(utf8[cursor]), utf8[cursor] != UInt8(ascii: ">"), utf8[cursor] != UInt8(ascii: "="),
                  utf8[cursor] != UInt8(ascii: "/") || cursor == attributeStart {
                cursor = utf8.index(after: cursor)
            }
            let attributeName = html[attributeStart..<cursor].lowercased()
            while cursor < utf8.endIndex, Self.isSpace(utf8[cursor]) { cursor = utf8.index(after: cursor) }
            var value = ""
            if cursor < utf8.endIndex, utf8[cursor] == UInt8(ascii: "=") {
                cursor = utf8.index(after: cursor)
                while cursor < utf8.endIndex, Self.isSpace(utf8[cursor]) { cursor = utf8.index(after: cursor) }
                if cursor < utf8.endIndex, utf8[cursor] == UInt8(ascii: "\"") || utf8[cursor] == UInt8(ascii: "'") {
                    let quote = utf8[cursor]
                    let valueStart = utf8.index(after: cursor)
                    var valueEnd = valueStart
                    while valueEnd < utf8.endIndex, utf8[valueEnd] != quote { valueEnd = utf8.index(after: valueEnd) }
                    value = HTMLEntities.decode(html[valueStart..<valueEnd])
                    cursor = valueEnd < utf8.endIndex ? utf8.index(after: valueEnd) : valueEnd
                } else {
                    let valueStart = cursor
                    while cursor < utf8.endIndex, !Self.isSpace(utf8[cursor]), utf8[cursor] != UInt8(ascii: ">") { cursor = utf8.index(after: cursor) }
                    value = HTMLEntities.decode(html[valueStart..<cursor])
                }
            }
            if attributes.count < Self.maximumAttributes, !attributeName.isEmpty, !attributes.contains(where: { $0.name == attributeName }) {
                attributes.append((attributeName, value))
            }
        }
        position = cursor
        if isEnd { return .end(name: name, range: start..<cursor) }
        if Self.rawTextElements.contains(name) && !selfClosing { rawTextEnd = name }
        return .start(name: name, attributes: attributes, selfClosing: selfClosing, range: start..<cursor)
    }

    /// Index just after the first `byte` at or after `from` (or the end).
    private func skipTo(_ byte: UInt8, from: String.Index) -> String.Index {
        var cursor = from
        while cursor < utf8.endIndex {
            if utf8[cursor] == byte { return utf8.index(after: cursor) }
            cursor = utf8.index(after: cursor)
        }
        return cursor
    }

    /// Past a comment (`<!-- ... -->`), CDATA, doctype or processing instruction.
    private func skipMarkupDeclaration(from afterLT: String.Index) -> String.Index {
        if hasPrefix("!--", at: afterLT) { return skipPast("-->", from: afterLT) }
        if hasPrefix("![CDATA[", at: afterLT) { return skipPast("]]>", from: afterLT) }
        return skipTo(UInt8(ascii: ">"), from: afterLT)
    }

    private func hasPrefix(_ prefix: String, at start: String.Index) -> Bool {
        var cursor = start
        for byte in prefix.utf8 {
            guard cursor < utf8.endIndex, utf8[cursor] == byte else { return false }
            cursor = utf8.index(after: cursor)
        }
        return true
    }

    /// Index just after the first `terminator` (three ASCII bytes) after `from`, or the end.
    private func skipPast(_ terminator: String, from: String.Index) -> String.Index {
        let target = Array(terminator.utf8)
        var cursor = from
        var window: [UInt8] = [0, 0, 0]
        while cursor < utf8.endIndex {
            window[0] = window[1]
            window[1] = window[2]
            window[2] = utf8[cursor]
            cursor = utf8.index(after: cursor)
            if window == target { return cursor }
        }
        return cursor
    }

    /// The start of `</element` (case-insensitive) at or after `from`, or the end.
    private func findEndTag(_ element: String, from: String.Index) -> String.Index {
        let target = Array(element.utf8)
        var cursor = from
        while cursor < utf8.endIndex {
            if utf8[cursor] == UInt8(ascii: "<") {
                var probe = utf8.index(after: cursor)
                if probe < utf8.endIndex, utf8[probe] == UInt8(ascii: "/") {
                    probe = utf8.index(after: probe)
                    var matched = 0
                    while matched < target.count, probe < utf8.endIndex, utf8[probe] | 0x20 == target[matched] {
                        matched += 1
                        probe = utf8.index(after: probe)
                    }
                    if matched == target.count { return cursor }
                }
            }
            cursor = utf8.index(after: cursor)
        }
        return cursor
    }

    static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D || byte == 0x0C }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
}
