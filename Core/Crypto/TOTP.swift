/// Time-based one-time passwords (RFC 6238) with HMAC-SHA-1, as authenticator apps implement them.
public struct TOTP: Sendable {
    /// The shared secret.
    public let secret: [UInt8]
    /// Number of digits in a code (6 for authenticator apps; the RFC's test vectors use 8).
    public let digits: Int
    /// Seconds per time step.
    public let period: Int

    /// Creates a generator for `secret`.
    public init(secret: [UInt8], digits: Int = 6, period: Int = 30) {
        precondition((6...9).contains(digits) && period > 0)
        self.secret = secret
        self.digits = digits
        self.period = period
    }

    /// A new random 160-bit secret, the size RFC 4226 recommends.
    public static func generateSecret() -> [UInt8] {
        SecureRandom.bytes(20)
    }

    /// The time step containing `unixTime`.
    public func step(at unixTime: Int64) -> Int64 {
        unixTime / Int64(period)
    }

    /// The code for time step `step` (RFC 4226 HOTP with the step as counter), zero-padded to `digits`.
    public func code(forStep step: Int64) -> String {
        let counter = (0..<8).reversed().map { UInt8(truncatingIfNeeded: UInt64(bitPattern: step) >> UInt64($0 * 8)) }
        let mac = SHA1.hmac(key: secret, message: counter)
        let offset = Int(mac[19] & 0x0F)
        let binary = (UInt32(mac[offset] & 0x7F) << 24) | (UInt32(mac[offset + 1]) << 16)
            | (UInt32(mac[offset + 2]) << 8) | UInt32(mac[offset + 3])
        var modulus: UInt32 = 1
        for _ in 0..<digits { modulus *= 10 }
        let text = String(binary % modulus)
        return String(repeating: "0", count: digits - text.count) + text
    }

    /// The code at `unixTime`.
    public func code(at unixTime: Int64) -> String {
        code(forStep: step(at: unixTime))
    }

    /// The time step whose code is `code`, searching the current step and `window` steps either side
    /// (the current step first), or `nil`. The caller must still refuse a step already used (replay).
    public func matchingStep(for code: String, at unixTime: Int64, window: Int64 = 1) -> Int64? {
        let candidate = code.filter { !$0.isWhitespace }
        guard candidate.count == digits, candidate.allSatisfy(\.isASCII), candidate.allSatisfy(\.isNumber) else { return nil }
        let current = step(at: unixTime)
        var offsets: [Int64] = [0]
        if window > 0 { for distance in 1...window { offsets += [-distance, distance] } }
        for offset in offsets where ConstantTime.equal(Array(self.code(forStep: current + offset).utf8), Array(candidate.utf8)) {
            return current + offset
        }
        return nil
    }

    /// The `otpauth://` URI an authenticator app reads from a QR code.
    public func provisioningURI(account: String, issuer: String) -> String {
        let label = Self.percentEncode(issuer) + ":" + Self.percentEncode(account)
        return "otpauth://totp/\(label)?secret=\(Base32.encode(secret))&issuer=\(Self.percentEncode(issuer))"
            + "&algorithm=SHA1&digits=\(digits)&period=\(period)"
    }

    static func percentEncode(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            let scalar = Unicode.Scalar(byte)
            if scalar.isASCII, scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || "-._~@".unicodeScalars.contains(scalar) {
                out.unicodeScalars.append(scalar)
            } else {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    func leftPadded(to length: Int, with pad: Character = "0") -> String {
        count >= length ? self : String(repeating: pad, count: length - count) + self
    }
}
