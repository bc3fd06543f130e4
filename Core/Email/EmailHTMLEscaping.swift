/// Escaping for the sanitiser's output (the parser's own, so that Core/Email compiles without the rest of Core).
enum EmailHTMLEscaping {
    /// `&`, `<` and `>` escaped: safe in element content.
    static func escapeText(_ text: String) -> String {
        escape(text, quotes: false)
    }

    /// `&`, `<`, `>`, `"` and `'` escaped: safe in a quoted attribute value.
    static func escapeAttribute(_ text: String) -> String {
        escape(text, quotes: true)
    }

    private static func escape(_ text: String, quotes: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where quotes: out += "&quot;"
            case "'" where quotes: out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
