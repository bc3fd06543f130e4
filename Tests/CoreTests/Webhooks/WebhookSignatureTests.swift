import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// Standard Webhooks signatures against the specification's test vector and the reference Python library.
@Suite("Webhook signatures")
struct WebhookSignatureTests {
    // The example of the Standard Webhooks specification (and of its reference libraries' tests).
    static let specSecret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    static let specID = "msg_p5jXN8AQM9LWM0D4loKWxJek"
    static let specTimestamp: Int64 = 1_614_265_330
    static let specBody = #"{"test": 2432232314}"#
    static let specSignature = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="

    @Test("signing reproduces the specification's test vector; verification accepts it and refuses alterations")
    func specificationVector() throws {
        let secret = try #require(WebhookSecret(encoded: Self.specSecret))
        #expect(WebhookSignature.sign(secret: secret, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody) == Self.specSignature)
        #expect(WebhookSignature.verify(secret: secret, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody,
                                        header: "v1,bm90IGl0 " + Self.specSignature))
        #expect(!WebhookSignature.verify(secret: secret, id: Self.specID, timestamp: Self.specTimestamp + 1, body: Self.specBody,
                                         header: Self.specSignature))
        #expect(!WebhookSignature.verify(secret: secret, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody + " ",
                                         header: Self.specSignature))
        #expect(!WebhookSignature.verify(secret: secret, id: Self.specID, timestamp: Self.specTimestamp, body: Self.specBody,
                                         header: "v2," + Self.specSignature.dropFirst(3)))
    }

    @Test("HMAC-SHA256 matches RFC 4231 test case 2 (a key shorter than the block)")
    func hmacVector() {
        let mac = WebhookSignature.hmacSHA256(key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8))
        #expect(Hashing.hex(mac) == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }

    @Test("the reference library (standardwebhooks on PyPI) verifies our signatures and we verify its own")
    func referenceLibrary() async throws {
        for round in 0..<3 {
            let secret = WebhookSecret.generate()
            let id = "evt_\(round)_\(Int.random(in: 1...1_000_000))"
            let timestamp = Int64(Date().timeIntervalSince1970)
            let body = #"{"type":"ticket.updated","timestamp":"2026-12-01T23:00:00.000Z","data":{"n":\#(round),"text":"é ✓ \"quoted\""}}"#
            let ours = WebhookSignature.sign(secret: secret, id: id, timestamp: timestamp, body: body)
            let verified = try await PythonPeer.run("verify", [secret.encoded, id, String(timestamp), body, ours], script: "webhook_peer.py")
            #expect(verified.status == 0, "reference verification: \(verified.output)")
            let theirs = try await PythonPeer.run("sign", [secret.encoded, id, String(timestamp), body], script: "webhook_peer.py")
            #expect(theirs.status == 0)
            #expect(theirs.output == ours)
            #expect(WebhookSignature.verify(secret: secret, id: id, timestamp: timestamp, body: body, header: theirs.output))
            let tampered = try await PythonPeer.run("verify", [secret.encoded, id, String(timestamp), body + " ", ours], script: "webhook_peer.py")
            #expect(tampered.status == 1)
        }
    }

    @Test("secrets round-trip through whsec_ form; event type patterns match and validate")
    func secretsAndPatterns() throws {
        let secret = WebhookSecret.generate()
        #expect(secret.encoded.hasPrefix("whsec_"))
        #expect(WebhookSecret(encoded: secret.encoded) == secret)
        #expect(WebhookSecret(encoded: "whsec_") == nil)
        #expect(WebhookSubscription.matches("ticket.created", patterns: ["ticket.*"]))
        #expect(WebhookSubscription.matches("ticket.created", patterns: ["*"]))
        #expect(!WebhookSubscription.matches("tickets.created", patterns: ["ticket.*"]))
        #expect(!WebhookSubscription.matches("ticket.created", patterns: ["ticket.updated"]))
        #expect(throws: WebhookError.self) { try WebhookSubscription.validate(eventTypes: []) }
        #expect(throws: WebhookError.self) { try WebhookSubscription.validate(eventTypes: ["Ticket Created"]) }
        try WebhookSubscription.validate(eventTypes: ["ticket.*", "message.created", "*"])
    }

    @Test("URLs: http(s) only, no credentials, no private or local addresses unless allowed")
    func urlPolicy() throws {
        for refused in ["ftp://example.com/x", "file:///etc/passwd", "not a url", "https://user:pw@example.com/"] {
            #expect(throws: WebhookURLPolicy.Refusal.self, "\(refused)") { try WebhookURLPolicy.validate(refused, allowPrivate: true) }
        }
        for local in ["http://127.0.0.1:8080/", "http://localhost/", "http://10.1.2.3/", "http://169.254.169.254/latest",
                         "http://[::1]/", "http://192.168.1.1/", "http://172.20.0.1/", "http://100.64.0.1/", "http://[fd00::1]/",
                         "http://[::ffff:127.0.0.1]/", "http://0.0.0.0/"] {
            #expect(throws: WebhookURLPolicy.Refusal.self, "\(local)") { try WebhookURLPolicy.validate(local, allowPrivate: false) }
            try WebhookURLPolicy.validate(local, allowPrivate: true)
        }
        try WebhookURLPolicy.validate("https://hooks.example.com/glavito", allowPrivate: false)
        try WebhookURLPolicy.validate("http://8.8.8.8/", allowPrivate: false)
        #expect(throws: WebhookURLPolicy.Refusal.self) { try WebhookURLPolicy.checkResolved(host: "localhost") }
    }

    @Test("the n8n example workflow's Code node accepts our signature and refuses a tampered body or a stale timestamp")
    func n8nCodeNode() async throws {
        let root = try TestEnvironment.repoRoot()
        let secret = WebhookSecret.generate()
        let body = #"{"type":"ticket.created","timestamp":"2026-12-01T23:00:00.000Z","data":{"id": "t-1", "subject": "Hallo ✓"}}"#
        func run(_ body: String, timestamp: Int64, signedBody: String? = nil) async throws -> String {
            let signature = WebhookSignature.sign(secret: secret, id: "evt_3_14", timestamp: timestamp, body: signedBody ?? body)
            let (status, output) = try await ManagedProcess.run(
                executable: URL(fileURLWithPath: "/usr/bin/env"),
                arguments: ["node", root.appendingPathComponent("Tests/js/n8n_code_node.js").path,
                            root.appendingPathComponent("docs/n8n/glavito-webhook-receiver.json").path,
                            secret.encoded, "evt_3_14", String(timestamp), body, signature],
                environment: ProcessInfo.processInfo.environment)
            #expect(status == 0, "\(output)")
            return output
        }
        let now = Int64(Date().timeIntervalSince1970)
        let accepted = try await run(body, timestamp: now)
        #expect(accepted.contains(#""verified":true"#) && accepted.contains(#""type":"ticket.created""#), "\(accepted)")
        #expect(try await run(body + " ", timestamp: now, signedBody: body).contains(#""verified":false"#))
        #expect(try await run(body, timestamp: now - 3600).contains(#""verified":false"#))
    }
}
