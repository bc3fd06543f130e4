/// Parses inline markup (see ``InlineMarkup``) over an array of characters.
struct InlineParser {
    static let http = Array("http://")
    static let https = Array("https://")

    let characters: [Character]
    let dialect: InlineMarkup.Dialect

    /// The nodes of `characters[range]`.
    func parse(_ range: Range<Int>) -> [InlineMarkup] {
        var nodes: [InlineMarkup] = []
        var pending = ""
        var index = range.lowerBound
        var exhausted: [String: Int] = [:]
        func flush() {
            if !pending.isEmpty { nodes.append(.text(pending)) }
            pending = ""
        }
        while index < range.upperBound {
            if let (node, next) = span(at: index, in: range, exhausted: &exhausted) {
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

    /// The node starting at `index`, and where the text after it starts. `exhausted` remembers, per marker, the
    /// earliest start from which no closing marker was found in `range`, so that a text full of unpaired markers
    /// is not searched again and again (a closer found from a later start would have been found from that one).
    func span(at index: Int, in range: Range<Int>, exhausted: inout [String: Int]) -> (InlineMarkup, Int)? {
        func search(_ key: String, from start: Int, _ find: () -> Int?) -> Int? {
            if let failed = exhausted[key], failed <= start { return nil }
            let found = find()
            if found == nil { exhausted[key] = start }
            return found
        }
        for (marker, verbatim) in [(dialect.mono, true), (dialect.code, false)] {
            guard let marker, matches(marker, at: index, before: range.upperBound) else { continue }
            let start = index + marker.count + 1
            guard let close = search(String(marker), from: start, { find(marker, from: start, before: range.upperBound) })
            else { continue }
            let inner = String(characters[(index + marker.count)..<close])
            return (verbatim ? .mono(inner) : .code(inner), close + marker.count)
        }
        if dialect.bracketLinks, characters[index] == "[", let link = bracketLink(at: index, before: range.upperBound) {
            return link
        }
        if let url = bareURL(at: index, before: range.upperBound) { return url }
        for (marker, style) in dialect.emphasis where opens(marker, at: index, before: range.upperBound) {
            let start = index + marker.count + 1
            guard let close = search("emphasis" + String(marker), from: start, {
                closer(marker, from: start, before: range.upperBound)
            }) else { continue }
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

    /// `[label](url)` at `index`: a label without brackets on one line, a URL without whitespace and brackets.
    /// (Scans stop at the next bracket, so a text full of `[` is not scanned to its end from each one.)
    func bracketLink(at index: Int, before end: Int) -> (InlineMarkup, Int)? {
        guard let labelEnd = (index + 1..<end).first(where: { "[]\n".contains(characters[$0]) }),
              characters[labelEnd] == "]", labelEnd + 1 < end, characters[labelEnd + 1] == "(",
              let urlEnd = (labelEnd + 2..<end).first(where: { "()[]".contains(characters[$0]) || characters[$0].isWhitespace }),
              characters[urlEnd] == ")", urlEnd > labelEnd + 2 else { return nil }
        let label = String(characters[(index + 1)..<labelEnd])
        return (.link(label: label, url: String(characters[(labelEnd + 2)..<urlEnd])), urlEnd + 1)
    }

    /// A bare `http://` or `https://` URL starting a word at `index`, without trailing punctuation.
    func bareURL(at index: Int, before end: Int) -> (InlineMarkup, Int)? {
        guard index == 0 || !characters[index - 1].isLetter && !characters[index - 1].isNumber,
              characters[index] == "h" || characters[index] == "H",
              matches(Self.http, at: index, before: end, ignoringCase: true)
                || matches(Self.https, at: index, before: end, ignoringCase: true) else { return nil }
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
