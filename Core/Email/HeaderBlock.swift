/// Reads an RFC 5322 header section: fields with folding, obsolete whitespace before the colon, an mbox "From " line,
/// and a missing blank line before the body (the first line that is not a field starts the body).
struct HeaderBlock {
    /// At most this many fields are kept per header section.
    static let maximumFields = 5_000

    var headers: [EmailHeader] = []
    /// Index of the first body byte.
    var bodyStart: Int
    var warnings: [String] = []

    /// Parses the header section of `bytes[range]`.
    init(_ bytes: [UInt8], range: Range<Int>) {
        var index = range.lowerBound
        let end = range.upperBound
        bodyStart = end
        var current: (name: String, start: Int, end: Int)?
        var lineNumber = 0
        var sawSeparator = false
        var fields: [(name: String, start: Int, end: Int)] = []
        while index < end {
            var lineEnd = index
            while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < end ? lineEnd + 1 : end
            var contentEnd = lineEnd
            if contentEnd > index, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            defer { lineNumber += 1 }
            if contentEnd == index {  // blank line: the separator
                bodyStart = next
                sawSeparator = true
                break
            }
            let first = bytes[index]
            if first == 0x20 || first == 0x09 {
                if current != nil {
                    current?.end = contentEnd
                } else {
                    warnings.append("header section starts with a continuation line; ignored")
                }
                index = next
                continue
            }
            if let field = current { fields.append(field) }
            current = nil
            if contentEnd - index >= 5, bytes[index..<(index + 5)].elementsEqual("From ".utf8) {
                if lineNumber > 0 { warnings.append("misplaced mbox \"From \" line in the header section; ignored") }
                index = next
                continue
            }
            guard let colon = Self.fieldColon(bytes, from: index, to: contentEnd) else {
                warnings.append("missing blank line between the header section and the body")
                bodyStart = index
                sawSeparator = true
                break
            }
            var nameEnd = colon
            while nameEnd > index, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
            let name = String(decoding: bytes[index..<nameEnd], as: UTF8.self)
            current = (name, colon + 1, contentEnd)
            index = next
        }
        if let field = current { fields.append(field) }
        if !sawSeparator { bodyStart = end }
        if fields.count > Self.maximumFields {
            warnings.append("more than \(Self.maximumFields) header fields; the rest ignored")
            fields.removeLast(fields.count - Self.maximumFields)
        }
        headers.reserveCapacity(fields.count)
        for field in fields {
            let raw = CharsetDecoder.utf8OrLatin1(bytes[field.start..<field.end])
            let unfolded = Self.unfold(bytes[field.start..<field.end])
            let decoded = EncodedWord.decode(unfolded)
            warnings += decoded.warnings
            headers.append(EmailHeader(name: field.name, rawValue: raw, value: decoded.text))
        }
    }

    /// The colon ending a field name (printable ASCII, then optional obsolete whitespace), or nil: not a field.
    static func fieldColon(_ bytes: [UInt8], from start: Int, to end: Int) -> Int? {
        var index = start
        while index < end {
            let byte = bytes[index]
            if byte == UInt8(ascii: ":") { return index > start ? index : nil }
            if byte == 0x20 || byte == 0x09 {
                var probe = index
                while probe < end, bytes[probe] == 0x20 || bytes[probe] == 0x09 { probe += 1 }
                return probe < end && bytes[probe] == UInt8(ascii: ":") && index > start ? probe : nil
            }
            if byte < 33 || byte > 126 { return nil }
            index += 1
        }
        return nil
    }

    /// The field body's bytes without CR and LF, trimmed, as text (UTF-8, else Latin-1).
    static func unfold(_ slice: ArraySlice<UInt8>) -> String {
        var start = slice.startIndex
        var end = slice.endIndex
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A }
        while start < end, isBlank(slice[start]) { start += 1 }
        while end > start, isBlank(slice[end - 1]) { end -= 1 }
        let trimmed = slice[start..<end]
        guard trimmed.contains(where: { $0 == 0x0D || $0 == 0x0A }) else { return CharsetDecoder.utf8OrLatin1(trimmed) }
        return CharsetDecoder.utf8OrLatin1(trimmed.filter { $0 != 0x0D && $0 != 0x0A })
    }

    /// Whether two field names are equal ignoring ASCII case (field names are ASCII).
    static func sameName(_ left: String, _ right: String) -> Bool {
        guard left.utf8.count == right.utf8.count else { return false }
        return zip(left.utf8, right.utf8).allSatisfy { a, b in
            a == b || (a | 0x20 == b | 0x20 && (a | 0x20) >= UInt8(ascii: "a") && (a | 0x20) <= UInt8(ascii: "z"))
        }
    }

    /// Spaces and tabs trimmed from both ends.
    static func trimWhitespace(_ text: String) -> String {
        var start = text.startIndex
        var end = text.endIndex
        while start < end, text[start] == " " || text[start] == "\t" { start = text.index(after: start) }
        while end > start {
            let before = text.index(before: end)
            guard text[before] == " " || text[before] == "\t" else { break }
            end = before
        }
        return String(text[start..<end])
    }
}
