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
            let unfolded = Self.unfold(raw)
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

    /// Folding removed (CR and LF dropped, the whitespace after them kept) and the ends trimmed.
    static func unfold(_ raw: String) -> String {
        var scalars = String.UnicodeScalarView()
        for scalar in raw.unicodeScalars where scalar != "\r" && scalar != "\n" { scalars.append(scalar) }
        return trimWhitespace(String(scalars))
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
