import Crypto
import Foundation
import _CryptoExtras

/// Signs outgoing mail with DKIM (RFC 6376), relaxed/relaxed canonicalisation, with RSA-SHA256 or Ed25519-SHA256
/// (RFC 8463). The signature covers the headers that identify and thread a message and the whole body.
public struct DKIMSigner: Sendable {
    /// The signing algorithm.
    public enum Algorithm: String, Sendable, CaseIterable {
        case rsaSHA256 = "rsa-sha256"
        case ed25519SHA256 = "ed25519-sha256"
    }

    enum Key: @unchecked Sendable {
        case rsa(_RSA.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
    }

    /// The signing domain (`d=`).
    public let domain: String
    /// The selector (`s=`): the key is published at `<selector>._domainkey.<domain>`.
    public let selector: String
    /// The algorithm.
    public let algorithm: Algorithm
    let key: Key

    /// The headers signed when present (From always).
    public static let signedHeaders = ["from", "to", "cc", "reply-to", "subject", "date", "message-id", "in-reply-to", "references",
                                       "mime-version", "content-type", "auto-submitted"]

    /// Creates a signer. `privateKey` is a PEM RSA private key (PKCS #1 or #8) for RSA, and for Ed25519 the base64
    /// of the 32-byte seed (the format of dkimpy's `dknewkey --ktype ed25519`) or a PEM PKCS #8 key.
    public init(domain: String, selector: String, algorithm: Algorithm, privateKey: String) throws {
        self.domain = domain.lowercased()
        self.selector = selector
        self.algorithm = algorithm
        let trimmed = privateKey.trimmingCharacters(in: .whitespacesAndNewlines)
        switch algorithm {
        case .rsaSHA256:
            key = .rsa(try _RSA.Signing.PrivateKey(pemRepresentation: trimmed))
        case .ed25519SHA256:
            if trimmed.hasPrefix("-----") {
                key = .ed25519(try Curve25519.Signing.PrivateKey(pemRepresentation: trimmed))
            } else if let seed = Data(base64Encoded: trimmed), seed.count == 32 {
                key = .ed25519(try Curve25519.Signing.PrivateKey(rawRepresentation: seed))
            } else {
                throw MailError.invalid("an Ed25519 DKIM key must be the base64 of its 32-byte seed or a PEM key")
            }
        }
    }

    /// A new private key in the format ``init(domain:selector:algorithm:privateKey:)`` reads: a 2048-bit RSA key as
    /// PEM, or the base64 of an Ed25519 seed.
    public static func generatePrivateKey(_ algorithm: Algorithm) throws -> String {
        switch algorithm {
        case .rsaSHA256: try _RSA.Signing.PrivateKey(keySize: .bits2048).pemRepresentation
        case .ed25519SHA256: Curve25519.Signing.PrivateKey().rawRepresentation.base64EncodedString()
        }
    }

    /// The `p=` value of the DNS record that verifies this signer.
    public var publicKeyRecord: String {
        switch key {
        case .rsa(let key): "v=DKIM1; k=rsa; p=" + key.publicKey.derRepresentation.base64EncodedString()
        case .ed25519(let key): "v=DKIM1; k=ed25519; p=" + key.publicKey.rawRepresentation.base64EncodedString()
        }
    }

    /// The `DKIM-Signature:` header field (folded, with CRLF) to put on top of `message`.
    public func signatureHeader(for message: [UInt8], at time: Date = Date()) throws -> String {
        let (headerBytes, body) = MailCanonicalization.split(message)
        let fields = MailCanonicalization.fields(headerBytes)
        var present: [String] = []
        var chosen: [String] = []
        for name in Self.signedHeaders {
            // Sign every instance (bottom-up as RFC 6376 §5.4.2 says), so none can be added unnoticed.
            let instances = fields.filter { $0.name.lowercased() == name }
            guard !instances.isEmpty else { continue }
            for _ in instances { present.append(name) }
            for field in instances.reversed() { chosen.append(MailCanonicalization.relaxedHeader(field.raw)) }
        }
        let bodyHash = Data(SHA256.hash(data: MailCanonicalization.relaxedBody(body))).base64EncodedString()
        // One tag group per line; the verifier canonicalises exactly this folded text (b= emptied), so it is what
        // we sign. Only the b= value is folded afterwards (white space in it is ignored by verifiers).
        let unsigned = "DKIM-Signature: v=1; a=\(algorithm.rawValue); c=relaxed/relaxed; d=\(domain); s=\(selector);\r\n"
            + "\tt=\(Int(time.timeIntervalSince1970)); h=\(present.joined(separator: ":"));\r\n\tbh=\(bodyHash);\r\n\tb="
        var signed = Array(chosen.joined().utf8)
        let canonicalSelf = MailCanonicalization.relaxedHeader(unsigned)
        signed.append(contentsOf: canonicalSelf.utf8.dropLast(2))  // without its CRLF (RFC 6376 §3.7)
        let signature: Data
        switch key {
        case .rsa(let key):
            signature = try key.signature(for: signed, padding: .insecurePKCS1v1_5).rawRepresentation
        case .ed25519(let key):
            signature = try key.signature(for: Data(SHA256.hash(data: signed)))
        }
        var encoded = Substring(signature.base64EncodedString())
        var folded: [Substring] = []
        while !encoded.isEmpty {
            folded.append(encoded.prefix(72))
            encoded = encoded.dropFirst(72)
        }
        return unsigned + folded.joined(separator: "\r\n\t") + "\r\n"
    }

    /// `message` with its DKIM signature on top.
    public func sign(_ message: [UInt8], at time: Date = Date()) throws -> [UInt8] {
        Array(try signatureHeader(for: message, at: time).utf8) + message
    }
}
