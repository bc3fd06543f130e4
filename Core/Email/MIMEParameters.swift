/// A structured MIME field: `value; name=value; ...` (Content-Type, Content-Disposition), with RFC 2231 extended and
/// continued parameters (`filename*0*=utf-8''%E2%82%AC; filename*1=.pdf`) and RFC 2047 words in quoted values.
struct MIMEParameters {
    /// The lower-cased main value (`text/plain`, `attachment`).
    var value: String
    /// Parameters by lower-cased name, decoded.
    var parameters: [String: String]

    /// At most this many parameters (and continuation sections) are read from one field.
    static let maximumParameters = 256

    init(_ field: String) {
        let characters = Array(field.unicodeScalars)
        var index = 0
        var main = String.UnicodeScalarView()
        while index < characters.count, characters[index] != ";" {
            if characters[index] == "(" {
                Self.skipComment(characters, &index)
                continue
            }
            if characters[index] != " " && characters[index] != "\t" && characters[index] != "\"" { main.append(characters[index]) }
            index += 1
        }
        value = String(main).lowercased()
        var raw: [(name: String, value: String)] = []
        while index < characters.count, raw.count < Self.maximumParameters {
            index += 1  // the ";"
            var name = String.UnicodeScalarView()
            while index < characters.count, characters[index] != "=", characters[index] != ";" {
                if characters[index] == "(" {
                    Self.skipComment(characters, &index)
                    continue
                }
                if characters[index] != " " && characters[index] != "\t" { name.append(characters[index]) }
                index += 1
            }
            guard index < characters.count, characters[index] == "=" else { continue }
            index += 1
            while index < characters.count, characters[index] == " " || characters[index] == "\t" { index += 1 }
            var text = String.UnicodeScalarView()
            if index < characters.count, characters[index] == "\"" {
                index += 1
                while index < characters.count, characters[index] != "\"" {
                    if characters[index] == "\\", index + 1 < characters.count { index += 1 }
                    text.append(characters[index])
                    index += 1
                }
                if index < characters.count { index += 1 }
                while index < characters.count, characters[index] != ";" { index += 1 }
            } else {
                while index < characters.count, characters[index] != ";" {
                    if characters[index] == "(" {
                        Self.skipComment(characters, &index)
                        continue
                    }
                    text.append(characters[index])
                    index += 1
                }
            }
            let nameString = String(name).lowercased()
            if !nameString.isEmpty {
                raw.append((nameString, HeaderBlock.trimWhitespace(String(text))))
            }
        }
        parameters = Self.combine(raw)
    }

    /// Skips a (nested) comment starting at `index`.
    static func skipComment(_ characters: [Unicode.Scalar], _ index: inout Int) {
        var depth = 0
        while index < characters.count {
            let character = characters[index]
            if character == "\\" {
                index += 2
                continue
            }
            if character == "(" { depth += 1 }
            if character == ")" {
                depth -= 1
                if depth == 0 {
                    index += 1
                    return
                }
            }
            index += 1
        }
    }

    /// Joins RFC 2231 sections and decodes extended values; plain values get RFC 2047 decoding.
    static func combine(_ raw: [(name: String, value: String)]) -> [String: String] {
        var plain: [String: String] = [:]
        var sections: [String: [(number: Int, extended: Bool, value: String)]] = [:]
        for (name, value) in raw {
            guard let star = name.firstIndex(of: "*") else {
                if plain[name] == nil { plain[name] = EncodedWord.decode(value).text }
                continue
            }
            let base = String(name[..<star])
            let rest = name[name.index(after: star)...]
            if rest.isEmpty {
                sections[base, default: []].append((0, true, value))
            } else {
                let extended = rest.hasSuffix("*")
                let digits = extended ? rest.dropLast() : rest
                guard let number = Int(digits), number >= 0, number < maximumParameters else { continue }
                sections[base, default: []].append((number, extended, value))
            }
        }
        var result = plain
        for (base, parts) in sections {
            let ordered = parts.sorted { $0.number < $1.number }
            var bytes: [UInt8] = []
            var charset: String?
            var seen = Set<Int>()
            for (position, part) in ordered.enumerated() where seen.insert(part.number).inserted {
                var value = Substring(part.value)
                if part.extended && position == 0 {
                    let pieces = value.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if pieces.count == 3 {
                        charset = pieces[0].isEmpty ? nil : String(pieces[0])
                        value = pieces[2]
                    }
                }
                bytes += part.extended ? percentDecode(value) : Array(value.utf8)
            }
            result[base] = charset.map { CharsetDecoder.decode(bytes, charset: $0).text } ?? CharsetDecoder.utf8OrLatin1(bytes)
        }
        return result
    }

    static func percentDecode(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output = [UInt8]()
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count,
               let high = TransferDecoding.hexValue(bytes[index + 1]), let low = TransferDecoding.hexValue(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}
