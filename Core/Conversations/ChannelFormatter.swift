/// Turns the one markup agents write into what each channel shows, renders customers' WhatsApp formatting as safe
/// HTML, and splits long texts into messages a channel accepts.
///
/// The agents' markup: `**bold**`, `_italic_` or `*italic*`, `~~strike~~`, `` `code` ``, fenced ```` ``` ````
/// blocks, `[text](url)`, bare `http(s)` URLs, lines starting `- ` or `* ` (bullets) and `1. ` (numbered), and a
/// blank line between paragraphs.
public enum ChannelFormatter {
    /// The most UTF-8 bytes Instagram accepts in one text message.
    public static let instagramTextLimitBytes = 1000
    /// The most characters WhatsApp accepts in one text message body.
    public static let whatsappTextLimit = 4096

    /// `markup` rendered for `target`. For ``FormatTarget/html`` all text is escaped and only `http`, `https` and
    /// `mailto` links become anchors.
    public static func render(_ markup: String, for target: FormatTarget) -> String {
        let blocks = MarkupBlock.parse(markup)
        let renderer = InlineRenderer(target: target)
        switch target {
        case .whatsapp, .plain:
            return blocks.map { renderer.textBlock($0) }.joined(separator: "\n\n")
        case .html:
            return blocks.map { renderer.htmlBlock($0) }.joined(separator: "\n")
        }
    }

    /// A customer's inbound `text` as safe HTML: for WhatsApp its `*bold*`, `_italic_`, `~strike~` and
    /// ```` ```mono``` ```` formatting and `http(s)` links; for other channels only the escaped text. Line breaks
    /// become `<br>`.
    public static func inboundHTML(_ text: String, channel: ChannelKind) -> String {
        let normalised = text.normalisedNewlines()
        switch channel {
        case .whatsapp:
            let renderer = InlineRenderer(target: .html)
            return InlineMarkup.parse(normalised, dialect: .whatsapp).map(renderer.render).joined()
        case .instagram, .webchat, .email:
            return HTMLText.escapeWithBreaks(normalised)
        }
    }
}
