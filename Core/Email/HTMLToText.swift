/// Plain text from mail HTML, for messages that have no text/plain body: block elements become line breaks, list items
/// get a dash, script and style content is dropped, whitespace collapses as a browser would collapse it.
enum HTMLToText {
    private static let blockElements: Set<String> = [
        "p", "div", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "table", "ul", "ol", "hr", "pre",
        "section", "article", "header", "footer", "dl", "dt", "dd", "center", "address", "figure", "form",
    ]
    private static let hiddenElements: Set<String> = ["script", "style", "head", "title", "template", "noscript", "xmp"]

    static func convert(_ html: String) -> String {
        var tokenizer = HTMLTokenizer(html)
        var output = ""
        var hidden = 0
        var hiddenElement = ""
        var preformatted = 0
        var pendingSpace = false
        func newline() {
            pendingSpace = false
            // At most one blank line in a row.
            if output.isEmpty || output.hasSuffix("\n\n") { return }
            output.append("\n")
        }
        while let token = tokenizer.next() {
            switch token {
            case .text(let raw):
                guard hidden == 0 else { continue }
                let text = HTMLEntities.decode(raw)
                if preformatted > 0 {
                    output += text
                    continue
                }
                for character in text {
                    if character == " " || character == "\n" || character == "\t" || character == "\r" {
                        pendingSpace = true
                    } else {
                        if pendingSpace && !output.isEmpty && !output.hasSuffix("\n") { output.append(" ") }
                        pendingSpace = false
                        output.append(character == "\u{00A0}" ? " " : character)
                    }
                }
            case .start(let name, _, let selfClosing, _):
                if hidden > 0 {
                    if name == hiddenElement && !selfClosing { hidden += 1 }
                    continue
                }
                if hiddenElements.contains(name) && !selfClosing {
                    hidden = 1
                    hiddenElement = name
                    continue
                }
                if name == "br" {
                    pendingSpace = false
                    output.append("\n")
                } else if blockElements.contains(name) {
                    newline()
                    if name == "li" { output += "- " }
                    if name == "pre" { preformatted += 1 }
                } else if name == "td" || name == "th" {
                    pendingSpace = true
                }
            case .end(let name, _):
                if hidden > 0 {
                    if name == hiddenElement { hidden -= 1 }
                    continue
                }
                if blockElements.contains(name) {
                    if name == "pre" { preformatted = max(0, preformatted - 1) }
                    newline()
                    if name == "p" || name == "blockquote" || name == "table" { output.append("\n") }
                }
            }
        }
        return QuoteSeparator.trimTrailing(collapseBlankLines(output))
    }

    /// Runs of more than one blank line reduced to one.
    static func collapseBlankLines(_ text: String) -> String {
        var lines: [Substring] = []
        var blank = 0
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let isBlank = line.allSatisfy { $0 == " " || $0 == "\t" }
            blank = isBlank ? blank + 1 : 0
            if blank <= 1 { lines.append(isBlank ? "" : line) }
        }
        while lines.first?.isEmpty == true { lines.removeFirst() }
        return lines.joined(separator: "\n")
    }
}
