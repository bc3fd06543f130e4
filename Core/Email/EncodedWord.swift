/// RFC 2047 encoded words (`=?charset?B|Q?text?=`): decoding header text, and encoding our outbound headers.
public enum EncodedWord {
    /// The longest encoded word looked for; RFC 2047 allows 75 characters, real mail is sometimes longer; the bound keeps a scan of "=?" starts linear.
    static let maximumWordLength = 400

    /// `text` with every encoded word decoded. Whitespace between two adjacent encoded words is dropped, and adjacent
    /// words in the same charset are decoded together (a multi-byte character may be split across them).
    /// Returns the text and the warnings (unknown charsets).
    static func decode(_ text: String) -> (text: String, warnings: [String]) {
        let bytes = Array(text.utf8)
        guard bytes.count >= 8, containsMarker(bytes) else { return (text, []) }
        var output = ""
        var warnings: [String] = []
        var pendingCharset: String?
        var pendingBytes: [UInt8] = []
        var literalStart = 0
        var lastWasEncoded = false
        var index = 0

        func flushPending() {
            guard let charset = pendingCharset else { return }
            let result = CharsetDecoder.decode(pendingBytes, charset: charset)
            output += result.text
            if let warning = result.warning { warnings.append(warning) }
            pendingCharset = nil
            pendingBytes.removeAll(keepingCapacity: true)
        }

        while index + 1 < bytes.count {
            guard bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?"),
                  let word = parseWord(bytes, at: index) else {
                index += 1
                continue
            }
            let gap = bytes[literalStart..<index]
            let gapIsWhitespace = gap.allSatisfy { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
            if !(lastWasEncoded && gapIsWhitespace) {
                flushPending()
                output += String(decoding: gap, as: UTF8.self)
            }
            let charset = CharsetDecoder.normalise(word.charset)
            if pendingCharset != charset { flushPending() }
            pendingCharset = charset
            pendingBytes += word.payload
            lastWasEncoded = true
            index = word.end
            literalStart = word.end
        }
        flushPending()
        output += String(decoding: bytes[literalStart...], as: UTF8.self)
        return (output, warnings)
    }

    private static func containsMarker(_ bytes: [UInt8]) -> Bool {
        var index = 0
        while index + 1 < bytes.count {
            if bytes[index] == UInt8(ascii: "="), bytes[index + 1] == UInt8(ascii: "?") { return true }
            index += 1
        }
        return false
    }

    /// Parses one encoded word starting at `start` (at "=?"): its charset, decoded bytes and the index after "?=".
    private static func parseWord(_ bytes: [UInt8], at start: Int) -> (charset: String, payload: [UInt8], end: Int)? {
        let limit = min(bytes.count, start + maximumWordLength)
        var index = start + 2
        let charsetStart = index
        while index < limit, bytes[index] != UInt8(ascii: "?") {
            let byte = bytes[index]
            if byte <= 0x20 || byte >= 0x7F { return nil }
            index += 1
        }
        guard index + 2 < limit, index > charsetStart, bytes[index + 2] == UInt8(ascii: "?") else { return nil }
        let charset = String(decoding: bytes[charsetStart..<index], as: UTF8.self)
        let encoding = bytes[index + 1] | 0x20
        guard encoding == UInt8(ascii: "b") || encoding == UInt8(ascii: "q") else { return nil }
        index += 3
        let textStart = index
        while index + 1 < limit {
            if bytes[index] == UInt8(ascii: "?"), bytes[index + 1] == UInt8(ascii: "=") { break }
            if bytes[index] == 0x0A || bytes[index] == 0x0D { return nil }
            index += 1
        }
        guard index + 1 < limit else { return nil }
        let encoded = bytes[textStart..<index]
        let payload = encoding == UInt8(ascii: "b")
            ? TransferDecoding.base64(encoded)
            : TransferDecoding.quotedPrintable(encoded, underscoreIsSpace: true)
        return (charset, payload, index + 2)
    }

    /// `text` as RFC 2047 encoded words (UTF-8, B encoding) when it contains non-ASCII characters, otherwise unchanged.
    /// Each word is at most 75 characters and no character is split across words; words are separated by a space, where
    /// a header writer may fold the line.
    public static func encode(_ text: String) -> String {
        guard text.utf8.contains(where: { $0 >= 0x80 }) else { return text }
        let prefix = "=?UTF-8?B?"
        let suffix = "?="
        let maximumBytes = (75 - prefix.count - suffix.count) / 4 * 3  // 45 bytes → 60 base64 characters
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in text {
            let bytes = Array(String(character).utf8)
            if !chunk.isEmpty, chunk.count + bytes.count > maximumBytes {
                words.append(prefix + base64Encode(chunk) + suffix)
                chunk.removeAll(keepingCapacity: true)
            }
            if bytes.count > maximumBytes {
                // A pathological grapheme cluster: split it at scalar boundaries.
                for scalar in String(character).unicodeScalars {
                    let scalarBytes = Array(String(scalar).utf8)
                    if !chunk.isEmpty, chunk.count + scalarBytes.count > maximumBytes {
                        words.append(prefix + base64Encode(chunk) + suffix)
                        chunk.removeAll(keepingCapacity: true)
                    }
                    chunk += scalarBytes
                }
            } else {
                chunk += bytes
            }
        }
        if !chunk.isEmpty { words.append(prefix + base64Encode(chunk) + suffix) }
        return words.joined(separator: " ")
    }

    static func base64Encode(_ bytes: [UInt8]) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var output = [UInt8]()
        output.reserveCapacity((bytes.count + 2) / 3 * 4)
        var index = 0
        while index < bytes.count {
            let b0 = UInt32(bytes[index])
            let b1 = index + 1 < bytes.count ? UInt32(bytes[index + 1]) : 0
            let b2 = index + 2 < bytes.count ? UInt32(bytes[index + 2]) : 0
            let triple = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(triple >> 18 & 63)])
            output.append(alphabet[Int(triple >> 12 & 63)])
            output.append(index + 1 < bytes.count ? alphabet[Int(triple >> 6 & 63)] : UInt8(ascii: "="))
            output.append(index + 2 < bytes.count ? alphabet[Int(triple & 63)] : UInt8(ascii: "="))
            index += 3
        }
        return String(decoding: output, as: UTF8.self)
    }
}
