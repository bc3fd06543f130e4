import Foundation

/// Splits a SQL script into statements at top-level semicolons.
///
/// The extended query protocol that postgres-nio speaks runs one statement at a time, so migrations are split
/// here. Semicolons inside quoted strings, quoted identifiers, dollar-quoted bodies (`$$ … $$`, `$tag$ … $tag$`)
/// and comments do not split.
public enum SQLScript {
    /// The script's statements, trimmed, without the terminating semicolons; empty statements are dropped.
    public static func statements(_ script: String) -> [String] {
        let chars = Array(script.unicodeScalars)
        var statements: [String] = []
        var current = String.UnicodeScalarView()
        var index = 0
        func flush() {
            let text = String(current).trimmingWhitespace()
            if !text.isEmpty && !isOnlyComments(text) { statements.append(text) }
            current = String.UnicodeScalarView()
        }
        while index < chars.count {
            let char = chars[index]
            let next: Unicode.Scalar? = index + 1 < chars.count ? chars[index + 1] : nil
            switch char {
            case "'", "\"":
                let end = closing(of: char, in: chars, from: index + 1)
                current.append(contentsOf: chars[index..<end])
                index = end
            case "-" where next == "-":
                var end = index
                while end < chars.count && chars[end] != "\n" { end += 1 }
                current.append(contentsOf: chars[index..<end])
                index = end
            case "/" where next == "*":
                let end = blockCommentEnd(in: chars, from: index)
                current.append(contentsOf: chars[index..<end])
                index = end
            case "$":
                if let tagEnd = dollarTagEnd(in: chars, from: index) {
                    let tag = Array(chars[index...tagEnd])
                    let end = dollarBodyEnd(tag: tag, in: chars, from: tagEnd + 1)
                    current.append(contentsOf: chars[index..<end])
                    index = end
                } else {
                    current.append(char)
                    index += 1
                }
            case ";":
                flush()
                index += 1
            default:
                current.append(char)
                index += 1
            }
        }
        flush()
        return statements
    }

    /// The index just past the quote closing a string or identifier opened before `start` (doubled quotes escape).
    static func closing(of quote: Unicode.Scalar, in chars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index < chars.count {
            if chars[index] == quote {
                if index + 1 < chars.count && chars[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return chars.count
    }

    /// The index just past a (possibly nested) block comment starting at `start`.
    static func blockCommentEnd(in chars: [Unicode.Scalar], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < chars.count {
            if chars[index] == "/" && index + 1 < chars.count && chars[index + 1] == "*" {
                depth += 1
                index += 2
            } else if chars[index] == "*" && index + 1 < chars.count && chars[index + 1] == "/" {
                depth -= 1
                index += 2
                if depth == 0 { return index }
            } else {
                index += 1
            }
        }
        return chars.count
    }

    /// The index of the `$` closing a dollar-quote tag that opens at `start`, or nil when `$` starts no tag.
    static func dollarTagEnd(in chars: [Unicode.Scalar], from start: Int) -> Int? {
        var index = start + 1
        while index < chars.count {
            let char = chars[index]
            if char == "$" { return index }
            let isTagChar = char == "_" || char.properties.isAlphabetic || (index > start + 1 && ("0"..."9").contains(char))
            guard isTagChar else { return nil }
            index += 1
        }
        return nil
    }

    /// The index just past the closing `tag` of a dollar-quoted body that starts at `start`.
    static func dollarBodyEnd(tag: [Unicode.Scalar], in chars: [Unicode.Scalar], from start: Int) -> Int {
        var index = start
        while index + tag.count <= chars.count {
            if chars[index] == "$" && Array(chars[index..<(index + tag.count)]) == tag { return index + tag.count }
            index += 1
        }
        return chars.count
    }

    static func isOnlyComments(_ text: String) -> Bool {
        text.split(separator: "\n").allSatisfy { $0.trimmingCharacters(in: .whitespaces).hasPrefix("--") }
    }
}
