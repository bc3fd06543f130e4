extension MIMEParser {
    /// The mailboxes of an address-list field value (RFC 5322 §3.4, with groups, comments, quoted display names,
    /// obsolete routes and RFC 2047 words in names). Groups are flattened; an empty group gives nothing.
    public static func parseAddressList(_ value: String) -> [EmailAddress] {
        var reader = AddressListReader(Array(value.unicodeScalars))
        return reader.read()
    }
}

/// The tokenizer and state machine behind `MIMEParser.parseAddressList`.
struct AddressListReader {
    private let scalars: [Unicode.Scalar]
    private var index = 0
    /// At most this many mailboxes are read from one field.
    static let maximumAddresses = 2_000

    init(_ scalars: [Unicode.Scalar]) { self.scalars = scalars }

    private enum Token {
        case word(String, quoted: Bool)
        case angle(String)
        case comment(String)
        case special(Unicode.Scalar)
    }

    mutating func read() -> [EmailAddress] {
        var result: [EmailAddress] = []
        var words: [(text: String, quoted: Bool)] = []
        var angle: String?
        var comment: String?
        func finish() {
            defer { words.removeAll(); angle = nil; comment = nil }
            if let address = angle {
                let name = Self.displayName(Self.glue(words))
                if !address.isEmpty { result.append(EmailAddress(name: name, address: address)) }
                return
            }
            let spec = words.map { $0.quoted && $0.text.contains(" ") ? "\"\($0.text)\"" : $0.text }.joined()
            if !spec.isEmpty {
                result.append(EmailAddress(name: comment.flatMap { Self.displayName([$0]) }, address: spec))
            }
        }
        while let token = next(), result.count < Self.maximumAddresses {
            switch token {
            case .word(let text, let quoted):
                words.append((text, quoted))
            case .angle(let address):
                if angle == nil { angle = address }
            case .comment(let text):
                if comment == nil { comment = text }
            case .special(let character):
                switch character {
                case ",", ";": finish()
                case ":":
                    if angle == nil { words.removeAll(); comment = nil }  // a group's display name
                case "@", ".":
                    words.append((String(character), false))
                default:
                    break
                }
            }
        }
        finish()
        return result
    }

    /// Words joined by spaces, except around a bare "@" or ".".
    static func glue(_ words: [(text: String, quoted: Bool)]) -> [String] {
        var result: [String] = []
        var glueNext = false
        for word in words {
            let isGlue = !word.quoted && (word.text == "@" || word.text == ".")
            if (isGlue || glueNext), let last = result.last {
                result[result.count - 1] = last + word.text
            } else {
                result.append(word.text)
            }
            glueNext = isGlue
        }
        return result
    }

    static func displayName(_ words: [String]) -> String? {
        let joined = HeaderBlock.trimWhitespace(words.joined(separator: " "))
        guard !joined.isEmpty else { return nil }
        return EncodedWord.decode(joined).text
    }

    private mutating func next() -> Token? {
        while index < scalars.count, scalars[index] == " " || scalars[index] == "\t" || scalars[index] == "\r" || scalars[index] == "\n" {
            index += 1
        }
        guard index < scalars.count else { return nil }
        let character = scalars[index]
        switch character {
        case "\"":
            index += 1
            var text = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != "\"" {
                if scalars[index] == "\\", index + 1 < scalars.count { index += 1 }
                text.append(scalars[index])
                index += 1
            }
            index += 1
            return .word(String(text), quoted: true)
        case "(":
            var depth = 0
            var text = String.UnicodeScalarView()
            while index < scalars.count {
                let current = scalars[index]
                if current == "\\", index + 1 < scalars.count {
                    text.append(scalars[index + 1])
                    index += 2
                    continue
                }
                if current == "(" { depth += 1; if depth == 1 { index += 1; continue } }
                if current == ")" {
                    depth -= 1
                    if depth == 0 { index += 1; break }
                }
                text.append(current)
                index += 1
            }
            return .comment(HeaderBlock.trimWhitespace(String(text)))
        case "<":
            index += 1
            var text = String.UnicodeScalarView()
            while index < scalars.count, scalars[index] != ">" {
                let current = scalars[index]
                if current == "\"" {  // a quoted local part inside the angle brackets
                    text.append(current)
                    index += 1
                    while index < scalars.count, scalars[index] != "\"" { text.append(scalars[index]); index += 1 }
                    if index < scalars.count { text.append(scalars[index]); index += 1 }
                    continue
                }
                if current != " " && current != "\t" && current != "\r" && current != "\n" { text.append(current) }
                index += 1
            }
            index += 1
            var address = String(text)
            // Obsolete route: <@relay1,@relay2:user@example.com>.
            if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") {
                address = String(address[address.index(after: colon)...])
            }
            return .angle(address)
        case ",", ";", ":", "@", ".", ">":
            index += 1
            return .special(character)
        default:
            var text = String.UnicodeScalarView()
            while index < scalars.count {
                let current = scalars[index]
                if current == " " || current == "\t" || current == "\r" || current == "\n" || current == "\"" || current == "("
                    || current == "<" || current == "," || current == ";" || current == ":" || current == "@" {
                    break
                }
                text.append(current)
                index += 1
            }
            return .word(String(text), quoted: false)
        }
    }
}
