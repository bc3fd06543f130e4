/// Where the values at one path lie in a JSON document's bytes, found in one pass without building them: a channel's
/// message is kept exactly as received by slicing it out of the webhook body, instead of re-serialising the parsed
/// object (which cost more than half of parsing a WhatsApp webhook).
///
/// Meant for a body `JSONSerialization` has already accepted: the scanner checks structure only as far as it needs
/// to find its way, and gives up (`nil`) rather than guess on anything it does not expect.
enum JSONSpans {
    /// One step of a path: an object member by name, or any element of an array.
    enum Step: Equatable {
        case key(String)
        case element
    }

    /// The byte ranges of the values at `path`, by the array indices along the path (for `entry[2].messages[0]`,
    /// `[2, 0]`); a path reached twice (duplicate member names) is left out, since which one a parser keeps is
    /// its own choice. `nil` when the bytes are not a JSON value the scanner can follow.
    static func find(_ path: [Step], in bytes: [UInt8]) -> [[Int]: Range<Int>]? {
        var scanner = Scanner(bytes: bytes, path: path.map { step in
            switch step {
            case .key(let name): Array(name.utf8)
            case .element: nil
            }
        })
        do {
            try scanner.value(matched: 0, indices: [], depth: 0)
            scanner.skipSpace()
            guard scanner.index == bytes.count else { return nil }
        } catch {
            return nil
        }
        for indices in scanner.repeated { scanner.found[indices] = nil }
        return scanner.found
    }

    struct Malformed: Error {}

    struct Scanner {
        let bytes: [UInt8]
        /// Member names (as UTF-8), `nil` for "any element".
        let path: [[UInt8]?]
        var index = 0
        var found: [[Int]: Range<Int>] = [:]
        var repeated = Set<[Int]>()

        static let quote = UInt8(ascii: "\""), backslash = UInt8(ascii: "\\"), comma = UInt8(ascii: ","), colon = UInt8(ascii: ":")
        static let openObject = UInt8(ascii: "{"), closeObject = UInt8(ascii: "}"), openArray = UInt8(ascii: "["), closeArray = UInt8(ascii: "]")

        var current: UInt8? { index < bytes.count ? bytes[index] : nil }

        mutating func skipSpace() {
            while let byte = current, byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D { index += 1 }
        }

        mutating func expect(_ byte: UInt8) throws(Malformed) {
            skipSpace()
            guard current == byte else { throw Malformed() }
            index += 1
        }

        /// One value; `matched` is how many steps of the path lead here (`nil` when off the path).
        mutating func value(matched: Int?, indices: [Int], depth: Int) throws(Malformed) {
            guard depth < 256 else { throw Malformed() }
            skipSpace()
            guard let first = current else { throw Malformed() }
            let start = index
            switch first {
            case Self.openObject:
                index += 1
                skipSpace()
                if current == Self.closeObject {
                    index += 1
                } else {
                    while true {
                        skipSpace()
                        let name = try string()
                        try expect(Self.colon)
                        var next: Int?
                        if let matched, matched < path.count, let key = path[matched], bytes[name].elementsEqual(key) { next = matched + 1 }
                        try value(matched: next, indices: indices, depth: depth + 1)
                        skipSpace()
                        if current == Self.comma { index += 1; continue }
                        try expect(Self.closeObject)
                        break
                    }
                }
            case Self.openArray:
                index += 1
                skipSpace()
                if current == Self.closeArray {
                    index += 1
                } else {
                    var element = 0
                    while true {
                        if let matched, matched < path.count, path[matched] == nil {
                            try value(matched: matched + 1, indices: indices + [element], depth: depth + 1)
                        } else {
                            try value(matched: nil, indices: indices, depth: depth + 1)
                        }
                        element += 1
                        skipSpace()
                        if current == Self.comma { index += 1; continue }
                        try expect(Self.closeArray)
                        break
                    }
                }
            case Self.quote:
                _ = try string()
            default:
                // A number, true, false or null: up to the next delimiter.
                while let byte = current, byte != Self.comma, byte != Self.closeObject, byte != Self.closeArray,
                      byte != 0x20, byte != 0x09, byte != 0x0A, byte != 0x0D {
                    index += 1
                }
                guard index > start else { throw Malformed() }
            }
            if matched == path.count {
                if found[indices] != nil { repeated.insert(indices) }
                found[indices] = start..<index
            }
        }

        /// A string at the current position; returns the range of its raw (still escaped) content.
        mutating func string() throws(Malformed) -> Range<Int> {
            guard current == Self.quote else { throw Malformed() }
            index += 1
            let start = index
            while let byte = current {
                if byte == Self.backslash {
                    index += 2
                    continue
                }
                if byte == Self.quote {
                    index += 1
                    return start..<(index - 1)
                }
                index += 1
            }
            throw Malformed()
        }
    }
}
