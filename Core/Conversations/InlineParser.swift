/// Parses inline markup (see ``InlineMarkup``) over an array of characters.
struct InlineParser {
    let characters: [Character]
    let dialect: InlineMarkup.Dialect

    /// The nodes of `characters[range]`.
    func parse(_ range: Range<Int>) -> [InlineMarkup] {
        var nodes: [InlineMarkup] = []
        var pending = ""
        var index = range.lowerBound
        func flush() {
            if !pending.isEmpty { nodes.append(.text(pending)) }
            pending = ""
        }
        while index < range.upperBound {
            if let (node, next) = span(at: index, in: range) {
                flush()
                nodes.append(node)
                index = next
            } else {
                pending.append(characters[index])
                index += 1
            }
        }
        flush()
        return nodes
    }

    /// The node starting at `index`, and where the text after it starts.
    func span(at index: Int, in range: Range<Int>) -> (InlineMarkup, Int)? {
        for (marker, verbatim) in [(dialect.mono, true), (dialect.code, false)] {
            guard let marker, matches(marker, at: index, before: range.upperBound),
                  let close = find(marker, from: index + marker.count + 1, before: range.upperBound) else { continue }
            let inner = String(characters[(index + marker.count)..<close])
            return (verbatim ? .mono(inner) : .code(inner), close + marker.count)
        }
        if dialect.bracketLinks, characters[index] == "[", let link = bracketLink(at: index, before: range.upperBound) {
            return link
        }
        if let url = bareURL(at: index, before: range.upperBound) { return url }
        for (marker, style) in dialect.emphasis where opens(marker, at: index, before: range.upperBound) {
            guard let close = closer(marker, from: index + marker.count + 1, before: range.upperBound) else { continue }
            let inner = parse((index + marker.count)..<close)
            let node: InlineMarkup = switch style {
            case .bold: .bold(inner)
            case .italic: .italic(inner)
            case .strike: .strike(inner)
            }
            return (node, close + marker.count)
        }
        return nil
    }

    /// `[label](url)` at `index`: the label on one line, the URL without whitespace.
    func bracketLink(at index: Int, before end: Int) -> (InlineMarkup, Int)? {
        guard let labelEnd = (index + 1..<end).first(where: { characters[$0] == "]" || characters[$0] == "\n" }),
              characters[labelEnd] == "]", labelEnd + 1 < end, characters[labelEnd + 1] == "(",
              let urlEnd = (labelEnd + 2..<end).first(where: { characters[$0] == ")" || characters[$0].isWhitespace }),
              characters[urlEnd] == ")", urlEnd > labelEnd + 2 else { return nil }
        let label = String(characters[(index + 1)..<labelEnd])
        return (.link(label: label, url: String(characters[(labelEnd + 2)..<urlEnd])), urlEnd + 1)
    }

    /// A bare `http://` or `https://` URL starting a word at `index`, without trailing punctuation.
    func bareURL(at index: Int, before end: Int) -> (InlineMarkup, Int)? {
        guard index == 0 || !characters[index - 1].isLetter && !characters[index - 1].isNumber,
              matches(Array("http://"), at: index, before: end, ignoringCase: true)
                || matches(Array("https://"), at: index, before: end, ignoringCase: true) else { return nil }
        var stop = (index..<end).first(where: { characters[$0].isWhitespace }) ?? end
        while stop > index, ".,;:!?'\"".contains(characters[stop - 1])
                || characters[stop - 1] == ")" && !characters[index..<stop].contains("(") {
            stop -= 1
        }
        let schemeLength = characters[index + 4].lowercased() == "s" ? 8 : 7
        guard stop > index + schemeLength else { return nil }
        let text = String(characters[index..<stop])
        return (.link(label: text, url: text), stop)
    }

    /// Whether emphasis can open with `marker` at `index`: not inside a word, followed by a non-space.
    func opens(_ marker: [Character], at index: Int, before end: Int) -> Bool {
        guard matches(marker, at: index, before: end), index + marker.count < end,
              !characters[index + marker.count].isWhitespace else { return false }
        return index == 0 || !isWordCharacter(characters[index - 1])
    }

    /// The first place from `start` where `marker` closes emphasis: after a non-space, not inside a word, not
    /// touching another marker character (so `*` does not close inside `**`).
    func closer(_ marker: [Character], from start: Int, before end: Int) -> Int? {
        var index = start
        while index + marker.count <= end {
            let after = index + marker.count
            if matches(marker, at: index, before: end), !characters[index - 1].isWhitespace,
               characters[index - 1] != marker[0],
               after == end || !isWordCharacter(characters[after]) && characters[after] != marker[0] {
                return index
            }
            index += 1
        }
        return nil
    }

    /// The first place from `start` where `marker` occurs.
    func find(_ marker: [Character], from start: Int, before end: Int) -> Int? {
        guard start <= end - marker.count else { return nil }
        return (start...(end - marker.count)).first { matches(marker, at: $0, before: end) }
    }

    /// Whether `marker` occurs at `index`.
    func matches(_ marker: [Character], at index: Int, before end: Int, ignoringCase: Bool = false) -> Bool {
        guard index + marker.count <= end else { return false }
        return marker.indices.allSatisfy { offset in
            let character = characters[index + offset]
            return ignoringCase ? character.lowercased() == marker[offset].lowercased() : character == marker[offset]
        }
    }

    /// Letters and digits join words.
    func isWordCharacter(_ character: Character) -> Bool {
        character.isLetter || character.isNumber
    }
}
