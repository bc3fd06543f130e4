/// Escaping text for HTML (pages, web chat, email).
public enum HTMLText {
    /// `text` with `&`, `<`, `>`, `"` and `'` escaped, safe in element content and quoted attributes. Works on Unicode
    /// scalars, so a combining mark after a quote (one `Character` with it) cannot keep the quote unescaped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// `text` escaped, with each `\n` as `<br>`.
    static func escapeWithBreaks(_ text: String) -> String {
        escape(text).split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "<br>")
    }

    /// Whether `url` may be an anchor's `href`: `http`, `https` or `mailto` only.
    static func isLinkable(_ url: String) -> Bool {
        let lowered = url.lowercased()
        return lowered.hasPrefix("http://") || lowered.hasPrefix("https://") || lowered.hasPrefix("mailto:")
    }
}
