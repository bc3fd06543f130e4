/// Inline formatting parsed from a line or paragraph of markup: the agents' markup or WhatsApp's.
indirect enum InlineMarkup: Hashable {
    case text(String)
    case bold([InlineMarkup])
    case italic([InlineMarkup])
    case strike([InlineMarkup])
    /// Inline code (`` `x` ``): shown verbatim.
    case code(String)
    /// WhatsApp monospace (```` ```x``` ````), possibly over several lines: shown verbatim.
    case mono(String)
    /// A link; `label == url` for bare URLs.
    case link(label: String, url: String)

    /// The emphasis styles markers stand for.
    enum Style { case bold, italic, strike }

    /// Which markers a text uses.
    struct Dialect {
        /// Emphasis markers, longest first.
        var emphasis: [(marker: [Character], style: Style)]
        /// The inline code marker, if any.
        var code: [Character]?
        /// The monospace marker, if any.
        var mono: [Character]?
        /// Whether `[text](url)` links are read.
        var bracketLinks: Bool

        /// What agents write: `**bold**`, `_italic_`, `*italic*`, `~~strike~~`, `` `code` ``, `[text](url)`.
        static let agent = Dialect(emphasis: [(["*", "*"], .bold), (["~", "~"], .strike), (["_"], .italic), (["*"], .italic)],
                                   code: ["`"], mono: nil, bracketLinks: true)
        /// What WhatsApp users write: `*bold*`, `_italic_`, `~strike~`, ```` ```mono``` ````.
        static let whatsapp = Dialect(emphasis: [(["*"], .bold), (["_"], .italic), (["~"], .strike)],
                                      code: nil, mono: ["`", "`", "`"], bracketLinks: false)
    }

    /// The inline nodes of `text` in `dialect`. Bare `http://` and `https://` URLs become links in every dialect.
    static func parse(_ text: String, dialect: Dialect) -> [InlineMarkup] {
        InlineParser(characters: Array(text), dialect: dialect).parse(0..<text.count)
    }
}
