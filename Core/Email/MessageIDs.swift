/// Message-ID, In-Reply-To and References values (RFC 5322 §3.6.4), read leniently.
enum MessageIDs {
    /// The ids in `value`, in order, without `<>`: every `<...>`, or whitespace-separated words when there are none.
    static func parse(_ value: String) -> [String] {
        var ids: [String] = []
        var current: String.UnicodeScalarView?
        for scalar in value.unicodeScalars {
            if scalar == "<" {
                current = String.UnicodeScalarView()
            } else if scalar == ">" {
                if let id = current, !id.isEmpty { ids.append(String(id)) }
                current = nil
            } else if scalar != " " && scalar != "\t" && scalar != "\r" && scalar != "\n" {
                current?.append(scalar)
            }
        }
        if ids.isEmpty {
            ids = value.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," }).map(String.init).filter { $0.contains("@") }
        }
        return ids
    }

    /// One id with surrounding whitespace and angle brackets removed.
    static func strip(_ value: String) -> String {
        var text = Substring(HeaderBlock.trimWhitespace(value))
        if text.hasPrefix("<") { text = text.dropFirst() }
        if let close = text.firstIndex(of: ">") { text = text[..<close] }
        return HeaderBlock.trimWhitespace(String(text))
    }
}
