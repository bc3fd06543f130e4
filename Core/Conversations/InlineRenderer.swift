/// Renders parsed markup for one target.
struct InlineRenderer {
    let target: FormatTarget

    /// A block as WhatsApp or plain text.
    func textBlock(_ block: MarkupBlock) -> String {
        switch block {
        case .paragraph(let text):
            return inline(text)
        case .bullets(let items):
            return items.map { "- " + inline($0) }.joined(separator: "\n")
        case .numbered(let start, let items):
            return items.enumerated().map { "\(start + $0.offset). " + inline($0.element) }.joined(separator: "\n")
        case .code(let code):
            return target == .whatsapp ? "```" + code + "```" : code
        }
    }

    /// A block as HTMLText.
    func htmlBlock(_ block: MarkupBlock) -> String {
        switch block {
        case .paragraph(let text):
            return "<p>" + inline(text) + "</p>"
        case .bullets(let items):
            return "<ul>" + items.map { "<li>" + inline($0) + "</li>" }.joined() + "</ul>"
        case .numbered(let start, let items):
            let open = start == 1 ? "<ol>" : "<ol start=\"\(start)\">"
            return open + items.map { "<li>" + inline($0) + "</li>" }.joined() + "</ol>"
        case .code(let code):
            return "<pre>" + HTMLText.escape(code) + "</pre>"
        }
    }

    /// The agents' inline markup in `text`, rendered.
    func inline(_ text: String) -> String {
        InlineMarkup.parse(text, dialect: .agent).map(render).joined()
    }

    /// One inline node, rendered.
    func render(_ node: InlineMarkup) -> String {
        switch (node, target) {
        case (.text(let text), .html): return HTMLText.escapeWithBreaks(text)
        case (.text(let text), _): return text
        case (.bold(let inner), _): return wrap(inner, whatsapp: "*", html: "strong")
        case (.italic(let inner), _): return wrap(inner, whatsapp: "_", html: "em")
        case (.strike(let inner), _): return wrap(inner, whatsapp: "~", html: "del")
        case (.code(let code), .whatsapp): return "`" + code + "`"
        case (.mono(let code), .whatsapp): return "```" + code + "```"
        case (.code(let code), .plain), (.mono(let code), .plain): return code
        case (.code(let code), .html): return "<code>" + HTMLText.escape(code) + "</code>"
        case (.mono(let code), .html):
            return code.contains("\n") ? "<pre>" + HTMLText.escape(code) + "</pre>" : "<code>" + HTMLText.escape(code) + "</code>"
        case (.link(let label, let url), .html):
            guard HTMLText.isLinkable(url) else { return HTMLText.escape(linkText(label: label, url: url)) }
            return "<a href=\"\(HTMLText.escape(url))\" rel=\"noopener noreferrer nofollow\" target=\"_blank\">"
                + HTMLText.escape(label.isEmpty ? url : label) + "</a>"
        case (.link(let label, let url), _): return linkText(label: label, url: url)
        }
    }

    /// Emphasis around the rendered `inner` nodes: WhatsApp's marker, an HTML element, or nothing for plain text.
    func wrap(_ inner: [InlineMarkup], whatsapp marker: String, html element: String) -> String {
        let content = inner.map(render).joined()
        switch target {
        case .whatsapp: return marker + content + marker
        case .plain: return content
        case .html: return "<\(element)>" + content + "</\(element)>"
        }
    }

    /// A link as text: the bare URL, or `label (url)`.
    func linkText(label: String, url: String) -> String {
        label.isEmpty || label == url ? url : "\(label) (\(url))"
    }
}
