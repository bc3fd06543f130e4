/// Splits a multipart body at its boundary delimiter lines (RFC 2046 §5.1.1) in one pass over the lines. Tolerates a
/// missing close delimiter (the last part runs to the end) and whitespace after a delimiter.
enum MultipartSplitter {
    /// The body ranges of the parts, or nil when no delimiter line occurs at all.
    static func split(_ bytes: [UInt8], range: Range<Int>, boundary: String, maximumParts: Int) -> (parts: [Range<Int>], warnings: [String])? {
        let delimiter = Array("--".utf8) + Array(boundary.utf8)
        var parts: [Range<Int>] = []
        var warnings: [String] = []
        var partStart: Int?
        var closed = false
        var lineStart = range.lowerBound
        let end = range.upperBound
        while lineStart < end {
            var lineEnd = lineStart
            while lineEnd < end, bytes[lineEnd] != 0x0A { lineEnd += 1 }
            let next = lineEnd < end ? lineEnd + 1 : end
            if let kind = delimiterKind(bytes, lineStart: lineStart, lineEnd: lineEnd, delimiter: delimiter) {
                if let start = partStart {
                    // The line break before the delimiter belongs to the delimiter.
                    var partEnd = lineStart
                    if partEnd > start, bytes[partEnd - 1] == 0x0A { partEnd -= 1 }
                    if partEnd > start, bytes[partEnd - 1] == 0x0D { partEnd -= 1 }
                    parts.append(start..<max(start, partEnd))
                }
                if kind == .close {
                    closed = true
                    break
                }
                if parts.count >= maximumParts {
                    warnings.append("more than \(maximumParts) parts in one multipart; the rest ignored")
                    partStart = nil
                    closed = true
                    break
                }
                partStart = next
            }
            lineStart = next
        }
        if parts.isEmpty && partStart == nil && !closed { return nil }
        if !closed {
            warnings.append("multipart body ends without its close delimiter \"--\(boundary)--\"")
            if let start = partStart { parts.append(start..<end) }
        }
        return (parts, warnings)
    }

    enum DelimiterKind { case open, close }

    /// Whether the line is `--boundary` or `--boundary--`, with only whitespace after it.
    static func delimiterKind(_ bytes: [UInt8], lineStart: Int, lineEnd: Int, delimiter: [UInt8]) -> DelimiterKind? {
        guard lineEnd - lineStart >= delimiter.count else { return nil }
        var index = 0
        while index < delimiter.count {
            if bytes[lineStart + index] != delimiter[index] { return nil }
            index += 1
        }
        var position = lineStart + delimiter.count
        var kind = DelimiterKind.open
        if position + 2 <= lineEnd,
           bytes[position] == UInt8(ascii: "-"), bytes[position + 1] == UInt8(ascii: "-") {
            kind = .close
            position += 2
        }
        while position < lineEnd {
            let byte = bytes[position]
            if byte != 0x20 && byte != 0x09 && byte != 0x0D { return nil }
            position += 1
        }
        return kind
    }
}
