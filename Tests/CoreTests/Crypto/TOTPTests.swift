import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("TOTP (RFC 6238)")
struct TOTPTests {
    /// RFC 6238 appendix B, SHA-1 rows: the secret is the ASCII string "12345678901234567890", 8 digits, 30 s steps.
    static let vectors: [(Int64, String)] = [
        (59, "94287082"), (1_111_111_109, "07081804"), (1_111_111_111, "14050471"),
        (1_234_567_890, "89005924"), (2_000_000_000, "69279037"), (20_000_000_000, "65353130"),
    ]

    @Test("all RFC 6238 SHA-1 test vectors")
    func rfcVectors() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8), digits: 8)
        for (time, expected) in Self.vectors {
            #expect(totp.code(at: time) == expected, "T=\(time)")
        }
    }

    @Test("codes computed by pyotp are accepted, at the current step and one step either side; two steps are not")
    func pyotpCodes() async throws {
        let totp = TOTP(secret: TOTP.generateSecret())
        let secret = Base32.encode(totp.secret)
        let now: Int64 = 1_764_000_015
        for (offset, accepted) in [(0, true), (-30, true), (30, true), (-60, false), (60, false)] {
            let theirs = try await PythonPeer.run("totp-at", [secret, String(now + Int64(offset))])
            #expect(theirs.status == 0)
            #expect(theirs.output == totp.code(at: now + Int64(offset)))
            #expect((totp.matchingStep(for: theirs.output, at: now) != nil) == accepted, "offset \(offset)")
        }
    }

    @Test("the otpauth URI carries the base32 secret, issuer and parameters")
    func provisioningURI() {
        let totp = TOTP(secret: Array("12345678901234567890".utf8))
        let uri = totp.provisioningURI(account: "ana@example.com", issuer: "Northwind Support")
        #expect(uri == "otpauth://totp/Northwind%20Support:ana@example.com?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=Northwind%20Support&algorithm=SHA1&digits=6&period=30")
        #expect(Base32.decode("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ") == totp.secret)
    }

    @Test("malformed codes match nothing")
    func malformed() {
        let totp = TOTP(secret: TOTP.generateSecret())
        for code in ["", "12345", "1234567", "abcdef", "１２３４５６"] {
            #expect(totp.matchingStep(for: code, at: 1_000_000) == nil)
        }
    }
}
