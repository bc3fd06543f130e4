/// The byte-level pieces of DKIM (RFC 6376 §3.4) splitting a message into header and
/// body, and relaxed header and body canonicalisation.
enum MailCanonicalization {
    struct Field {
        var name: String
        /// The whole field as written, including folded continuation lines, without the final CRLF.
        var raw: String
    }

    /// The header section (without the blank line) and the body.
    static func split(_ message: [UInt8]) -> ([UInt8], [UInt8]) {
        var index = 0
        while index + 3 < message.count {
            if message[index] == 13, message[index + 1] == 10, message[index + 2] == 13, message[index + 3] == 10 {
                return (Array(message[..<index]), Array(message[(index + 4)...]))
            }
            index += 1
        }
        return (message, [])
    }

    /// The header fields, continuation lines joined to their field.
    static func fields(_ header: [UInt8]) -> [Field] {
        var out: [Field] = []
        for line in String(decoding: header, as: UTF8.self).components(separatedBy: "\r\n") {
            if let first = line.first, first == " " || first == "\t", !out.isEmpty {
                out[out.count - 1].raw += "\r\n" + line
            } else if let colon = line.firstIndex(of: ":") {
                out.append(Field(name: String(line[..<colon]).trimmingCharacters(in: .whitespaces), raw: line))
            }
        }
        return out
    }

    /// Relaxed header canonicalisation: lower-case name, unfolded, runs of white space as one space, none around the
    /// colon or at the end; with CRLF.
    static func relaxedHeader(_ raw: String) -> String {
        guard let colon = raw.firstIndex(of: ":") else { return raw + "\r\n" }
        let name = raw[..<colon].trimmingCharacters(in: .whitespaces).lowercased()
        let value = raw[raw.index(after: colon)...].replacingOccurrences(of: "\r\n", with: "")
        return name + ":" + collapse(value).trimmingCharacters(in: .whitespaces) + "\r\n"
    }

    static func collapse(_ text: String) -> String {
        var out = ""
        var inSpace = false
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "\t" {
                inSpace = true
            } else {
                if inSpace { out.append(" ") }
                inSpace = false
                out.unicodeScalars.append(scalar)
            }
        }
        if inSpace { out.append(" ") }
        return out
    }

    /// Relaxed body canonicalisation: white space at line ends removed, runs inside a line as one space, empty lines
    /// at the end removed, a non-empty body ending in CRLF.
    static func relaxedBody(_ body: [UInt8]) -> [UInt8] {
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var index = 0
        while index < body.count {
            let byte = body[index]
            if byte == 13, index + 1 < body.count, body[index + 1] == 10 {
                lines.append(current)
                current = []
                index += 2
                continue
            }
            current.append(byte)
            index += 1
        }
        if !current.isEmpty { lines.append(current) }
        var out: [UInt8] = []
        var canonical: [[UInt8]] = lines.map { line in
            var result: [UInt8] = []
            var inSpace = false
            for byte in line {
                if byte == 32 || byte == 9 {
                    inSpace = true
                } else {
                    if inSpace { result.append(32) }
                    inSpace = false
                    result.append(byte)
                }
            }
            return result
        }
        while let last = canonical.last, last.isEmpty { canonical.removeLast() }
        for line in canonical { out.append(contentsOf: line + [13, 10]) }
        return out
    }
}
