import GlavitoCore

/// Escaping for text and attribute values placed into HTML.
enum HTML {
    /// `text` escaped for element content and quoted attributes (``HTMLText/escape(_:)``).
    static func escape(_ text: String) -> String {
        HTMLText.escape(text)
    }
}
