/// Reed-Solomon error correction over GF(2^8) with the QR code polynomial 0x11D.
enum ReedSolomon {
    static func multiply(_ x: UInt8, _ y: UInt8) -> UInt8 {
        var z = 0
        for i in (0..<8).reversed() {
            z = (z << 1) ^ ((z >> 7) * 0x11D)
            z ^= ((Int(y) >> i) & 1) * Int(x)
        }
        return UInt8(z)
    }

    static func divisor(degree: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: degree - 1) + [1]
        var root: UInt8 = 1
        for _ in 0..<degree {
            for j in 0..<degree {
                result[j] = multiply(result[j], root)
                if j + 1 < degree { result[j] ^= result[j + 1] }
            }
            root = multiply(root, 0x02)
        }
        return result
    }

    static func remainder(_ data: [UInt8], divisor: [UInt8]) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: divisor.count)
        for byte in data {
            let factor = byte ^ result.removeFirst()
            result.append(0)
            for i in 0..<result.count { result[i] ^= multiply(divisor[i], factor) }
        }
        return result
    }
}

/// Bits appended most significant first.
struct BitBuffer {
    private(set) var bits: [Bool] = []
    var count: Int { bits.count }

    mutating func append(_ value: Int, count: Int) {
        for i in stride(from: count - 1, through: 0, by: -1) { bits.append((value >> i) & 1 == 1) }
    }

    var bytes: [UInt8] {
        stride(from: 0, to: bits.count, by: 8).map { start in
            (0..<8).reduce(UInt8(0)) { byte, offset in byte << 1 | (start + offset < bits.count && bits[start + offset] ? 1 : 0) }
        }
    }
}

extension QRCode {
    /// The code as an SVG image with a four-module quiet zone; `label` is its accessible name.
    func svg(label: String, pixelsPerModule: Int = 5) -> String {
        let full = size + 8
        var path = ""
        for y in 0..<size {
            for x in 0..<size where modules[y][x] { path += "M\(x + 4) \(y + 4)h1v1h-1z" }
        }
        return """
        <svg xmlns="http://www.w3.org/2000/svg" class="qr-code" role="img" aria-label="\(HTML.escape(label))" \
        width="\(full * pixelsPerModule)" height="\(full * pixelsPerModule)" viewBox="0 0 \(full) \(full)" shape-rendering="crispEdges">\
        <rect width="\(full)" height="\(full)" fill="#fff"/><path fill="#000" d="\(path)"/></svg>
        """
    }
}
