import GlavitoCore
import Testing

/// `X-Hub-Signature-256` against a vector computed with Python's `hmac`.
@Suite("Conversations: Meta webhook signatures")
struct MetaSignatureTests {
    // python3 -c 'import hmac,hashlib;print(hmac.new(b"secret",b"{\"a\":1}",hashlib.sha256).hexdigest())'
    static let vector = "aa9e2e3575f5d7098b6caccd790888c36d5fdb63342a73bada2d6a51747a8494"
    static let body = Array(#"{"a":1}"#.utf8)

    @Test("signing reproduces the Python vector and verification accepts it in either case")
    func vector() {
        #expect(MetaSignature.sign(body: Self.body, appSecret: "secret") == "sha256=" + Self.vector)
        #expect(MetaSignature.verify(header: "sha256=" + Self.vector, body: Self.body, appSecret: "secret"))
        #expect(MetaSignature.verify(header: "sha256=" + Self.vector.uppercased(), body: Self.body, appSecret: "secret"))
        #expect(MetaSignature.verify(header: " sha256=\(Self.vector) ", body: Self.body, appSecret: "secret"))
    }

    @Test("a wrong secret, an altered body or a malformed header is refused")
    func refusals() {
        let header = "sha256=" + Self.vector
        #expect(!MetaSignature.verify(header: header, body: Self.body, appSecret: "Secret"))
        #expect(!MetaSignature.verify(header: header, body: Array(#"{"a":2}"#.utf8), appSecret: "secret"))
        #expect(!MetaSignature.verify(header: nil, body: Self.body, appSecret: "secret"))
        #expect(!MetaSignature.verify(header: "", body: Self.body, appSecret: "secret"))
        #expect(!MetaSignature.verify(header: Self.vector, body: Self.body, appSecret: "secret"))
        #expect(!MetaSignature.verify(header: "sha1=" + Self.vector, body: Self.body, appSecret: "secret"))
        #expect(!MetaSignature.verify(header: header.dropLast() + "", body: Self.body, appSecret: "secret"))
        #expect(!MetaSignature.verify(header: header + "00", body: Self.body, appSecret: "secret"))
        #expect(!MetaSignature.verify(header: "sha256=+a" + Self.vector.dropFirst(2), body: Self.body, appSecret: "secret"))
        #expect(!MetaSignature.verify(header: "sha256=" + String(repeating: "z", count: 64), body: Self.body, appSecret: "secret"))
    }
}
