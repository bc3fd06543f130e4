/// A block of the agents' markup: paragraphs, bullet and numbered lists, fenced code, separated by blank lines.
enum MarkupBlock: Hashable {
    /// Lines of text, joined with `\n`.
    case paragraph(String)
    /// `- ` or `* ` items.
    case bullets([String])
    /// `1. ` items and the first item's number.
    case numbered(start: Int, items: [String])
    /// A fenced ```` ``` ```` block's lines, verbatim.
    case code(String)

    /// The blocks of `markup`.
    static func parse(_ markup: String) -> [MarkupBlock] {
        let lines = markup.normalisedNewlines().split(separator: "\n", omittingEmptySubsequences: false)
        var blocks: [MarkupBlock] = []
        var index = 0
        while index < lines.count {
            let line = lines[index]
            let trimmed = String(line).trimmingWhitespace()
            index += 1
            if trimmed.hasPrefix("```") {
                var code: [Substring] = []
                while index < lines.count, !String(lines[index]).trimmingWhitespace().hasPrefix("```") {
                    code.append(lines[index])
                    index += 1
                }
                index += 1
                blocks.append(.code(code.joined(separator: "\n")))
            } else if trimmed.isEmpty {
                continue
            } else if let item = bulletItem(trimmed) {
                if case .bullets(let items) = blocks.last, !isBlank(lines, before: index - 1) {
                    blocks[blocks.count - 1] = .bullets(items + [item])
                } else {
                    blocks.append(.bullets([item]))
                }
            } else if let (number, item) = numberedItem(trimmed) {
                if case .numbered(let start, let items) = blocks.last, !isBlank(lines, before: index - 1) {
                    blocks[blocks.count - 1] = .numbered(start: start, items: items + [item])
                } else {
                    blocks.append(.numbered(start: number, items: [item]))
                }
            } else if case .paragraph(let text) = blocks.last, !isBlank(lines, before: index - 1) {
                blocks[blocks.count - 1] = .paragraph(text + "\n" + trimmed)
            } else {
                blocks.append(.paragraph(trimmed))
            }
        }
        return blocks
    }

    /// Whether the line before `index` is blank (or there is none), so a new block starts at `index`.
    static func isBlank(_ lines: [Substring], before index: Int) -> Bool {
        guard index > 0 else { return true }
        let previous = String(lines[index - 1]).trimmingWhitespace()
        return previous.isEmpty || previous.hasPrefix("```")
    }

    /// The text of a `- ` or `* ` item.
    static func bulletItem(_ line: String) -> String? {
        guard line.hasPrefix("- ") || line.hasPrefix("* ") else { return nil }
        return String(line.dropFirst(2)).trimmingWhitespace()
    }

    /// The number and text of a `1. ` item.
    static func numberedItem(_ line: String) -> (Int, String)? {
        let digits = line.prefix(while: \.isASCIIDigit)
        guard (1...9).contains(digits.count), let number = Int(digits),
              line.dropFirst(digits.count).hasPrefix(". ") else { return nil }
        return (number, String(line.dropFirst(digits.count + 2)).trimmingWhitespace())
    }
}

extension String {
    /// The text with `\r\n` and `\r` line ends turned into `\n`.
    func normalisedNewlines() -> String {
        guard unicodeScalars.contains("\r") else { return self }
        var scalars = String.UnicodeScalarView()
        var afterReturn = false
        for scalar in unicodeScalars {
            defer { afterReturn = scalar == "\r" }
            if scalar == "\n" && afterReturn { continue }
            scalars.append(scalar == "\r" ? "\n" : scalar)
        }
        return String(scalars)
    }
}
