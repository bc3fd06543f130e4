/// Content-Transfer-Encoding decoders (RFC 2045): base64 and quoted-printable, both lenient and linear.
enum TransferDecoding {
    /// Decodes `encoding` (lower-cased; 7bit, 8bit, binary and unknown values are returned as they are).
    static func decode(_ body: ArraySlice<UInt8>, encoding: String) -> [UInt8] {
        switch encoding {
        case "base64": return base64(body)
        case "quoted-printable": return quotedPrintable(body)
        default: return Array(body)
        }
    }

    private static let base64Table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        table[Int(UInt8(ascii: "-"))] = 62  // URL-safe alphabet, seen in the wild
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Base64, skipping characters outside the alphabet and stopping at padding; a dangling 6 bits are dropped.
    static func base64<C: Collection>(_ input: C) -> [UInt8] where C.Element == UInt8 {
        var output = [UInt8]()
        output.reserveCapacity(input.count / 4 * 3 + 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in input {
            if byte == UInt8(ascii: "=") {
                // Padding ends a quantum; some senders concatenate encoded chunks, so keep going after it.
                accumulator = 0
                bits = 0
                continue
            }
            let value = base64Table[Int(byte)]
            if value == 0xFF { continue }
            accumulator = (accumulator << 6) | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        return output
    }

    /// Quoted-printable: `=XX` escapes, soft line breaks (`=` at the end of a line, trailing spaces allowed), and
    /// trailing whitespace on hard lines removed. A malformed escape is kept literally.
    static func quotedPrintable<C: Collection>(_ input: C, underscoreIsSpace: Bool = false) -> [UInt8] where C.Element == UInt8, C.Index == Int {
        var output = [UInt8]()
        output.reserveCapacity(input.count)
        var index = input.startIndex
        let end = input.endIndex
        var pendingWhitespace = 0  // count of spaces/tabs not yet written (dropped before a line break)
        var whitespaceStart = index
        func flushWhitespace() {
            if pendingWhitespace > 0 {
                output.append(contentsOf: input[whitespaceStart..<(whitespaceStart + pendingWhitespace)])
                pendingWhitespace = 0
            }
        }
        while index < end {
            let byte = input[index]
            if byte == 0x20 || byte == 0x09 {
                if pendingWhitespace == 0 { whitespaceStart = index }
                pendingWhitespace += 1
                index += 1
                continue
            }
            if byte == 0x0D || byte == 0x0A {
                pendingWhitespace = 0
                if byte == 0x0D, index + 1 < end, input[index + 1] == 0x0A {
                    output.append(0x0D)
                    output.append(0x0A)
                    index += 2
                } else {
                    output.append(byte)
                    index += 1
                }
                continue
            }
            flushWhitespace()
            if byte == UInt8(ascii: "=") {
                // Soft break: "=" then optional whitespace then end of line or input.
                var probe = index + 1
                while probe < end, input[probe] == 0x20 || input[probe] == 0x09 { probe += 1 }
                if probe >= end {
                    index = probe
                    continue
                }
                if input[probe] == 0x0A {
                    index = probe + 1
                    continue
                }
                if input[probe] == 0x0D {
                    index = probe + 1
                    if index < end, input[index] == 0x0A { index += 1 }
                    continue
                }
                if index + 2 < end, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                output.append(byte)
                index += 1
                continue
            }
            if underscoreIsSpace && byte == UInt8(ascii: "_") {
                output.append(0x20)
            } else {
                output.append(byte)
            }
            index += 1
        }
        return output  // whitespace at the very end is trailing whitespace too
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        default: return nil
        }
    }
}
