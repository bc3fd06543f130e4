/// HTML character references: numeric ones and the named ones mail actually uses.
enum HTMLEntities {
    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": "\u{00A0}", "copy": "©", "reg": "®",
        "trade": "™", "hellip": "…", "mdash": "—", "ndash": "–", "lsquo": "‘", "rsquo": "’", "ldquo": "“", "rdquo": "”",
        "bull": "•", "middot": "·", "euro": "€", "pound": "£", "yen": "¥", "cent": "¢", "sect": "§", "deg": "°",
        "laquo": "«", "raquo": "»", "times": "×", "divide": "÷", "shy": "\u{00AD}", "zwnj": "\u{200C}", "zwj": "\u{200D}",
        "auml": "ä", "ouml": "ö", "uuml": "ü", "Auml": "Ä", "Ouml": "Ö", "Uuml": "Ü", "szlig": "ß", "eacute": "é",
        "egrave": "è", "ecirc": "ê", "aacute": "á", "agrave": "à", "acirc": "â", "ccedil": "ç", "iacute": "í",
        "oacute": "ó", "uacute": "ú", "ntilde": "ñ", "Eacute": "É", "oslash": "ø", "aring": "å", "aelig": "æ",
        "iexcl": "¡", "iquest": "¿", "para": "¶", "plusmn": "±", "frac12": "½", "tab": "\t", "newline": "\n",
    ]

    /// `text` with character references replaced; unknown or malformed ones are kept as written.
    static func decode<S: StringProtocol>(_ text: S) -> String {
        guard text.utf8.contains(UInt8(ascii: "&")) else { return String(text) }
        var output = ""
        output.reserveCapacity(text.utf8.count)
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            guard character == "&" else {
                output.append(character)
                index = text.index(after: index)
                continue
            }
            // Up to 32 characters of name, then an optional ";".
            var cursor = text.index(after: index)
            var name = ""
            while cursor < text.endIndex, name.count < 32, text[cursor].isLetter || text[cursor].isNumber || text[cursor] == "#" {
                name.append(text[cursor])
                cursor = text.index(after: cursor)
            }
            let hasSemicolon = cursor < text.endIndex && text[cursor] == ";"
            if let replacement = resolve(name) {
                output += replacement
                index = hasSemicolon ? text.index(after: cursor) : cursor
            } else {
                output.append("&")
                index = text.index(after: index)
            }
        }
        return output
    }

    private static func resolve(_ name: String) -> String? {
        if name.hasPrefix("#") {
            let digits = name.dropFirst()
            let value: UInt32?
            if digits.first == "x" || digits.first == "X" {
                value = UInt32(digits.dropFirst(), radix: 16)
            } else {
                value = UInt32(digits, radix: 10)
            }
            guard let value else { return nil }
            if value == 0 { return "\u{FFFD}" }
            return String(Unicode.Scalar(value) ?? "\u{FFFD}")
        }
        return named[name]
    }
}
