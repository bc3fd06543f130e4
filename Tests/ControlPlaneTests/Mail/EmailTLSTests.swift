import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing
@testable import ControlPlane

@Suite("Email: STARTTLS and limits")
struct EmailTLSTests {
    @Test("with a certificate the listener offers STARTTLS: smtplib and our client send over TLS; plain text pipelined after STARTTLS is dropped")
    func startTLS() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let certificate = directory.appendingPathComponent("cert.pem").path
        let key = directory.appendingPathComponent("key.pem").path
        let (status, output) = try await ManagedProcess.run(
            executable: URL(fileURLWithPath: "/usr/bin/openssl"),
            arguments: ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "1", "-subj", "/CN=mx.glavito.test"],
            environment: ProcessInfo.processInfo.environment)
        #expect(status == 0, "\(output)")
        try await EmailRig.with(tls: (certificate, key)) { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            let script = """
                import smtplib, ssl, socket, sys
                port, rcpt = int(sys.argv[1]), sys.argv[2]
                context = ssl.create_default_context(); context.check_hostname = False; context.verify_mode = ssl.CERT_NONE
                with smtplib.SMTP("127.0.0.1", port, timeout=30) as client:
                    client.ehlo("tls.example"); assert client.has_extn("starttls"), client.esmtp_features
                    client.starttls(context=context); client.ehlo("tls.example")
                    assert not client.has_extn("starttls")
                    client.sendmail("a@tls.example", [rcpt], b"From: a@tls.example\\r\\nSubject: over tls\\r\\nMessage-ID: <tls-1@tls.example>\\r\\n\\r\\nsecret\\r\\n")
                # A command pipelined in plain text behind STARTTLS must not run inside the TLS session.
                raw = socket.create_connection(("127.0.0.1", port), timeout=30)
                reader = raw.makefile("rb")
                reader.readline(); raw.sendall(b"EHLO x.example\\r\\n")
                while not reader.readline().startswith(b"250 "): pass
                raw.sendall(b"STARTTLS\\r\\nMAIL FROM:<injected@x.example>\\r\\n")
                assert reader.readline().startswith(b"220"), "no 220"
                tls = context.wrap_socket(raw, server_hostname="mx.glavito.test")
                tls.sendall(b"RCPT TO:<" + rcpt.encode() + b">\\r\\n")
                answer = tls.recv(200)
                assert answer.startswith(b"503"), answer
                print("ok")
                """
            let (code, text) = try await ManagedProcess.run(executable: try PythonPeer.python(), arguments: ["-c", script, String(mail.smtpPort), box.address],
                                                            environment: ProcessInfo.processInfo.environment)
            #expect(code == 0 && text.contains("ok"), "\(text)")
            #expect(try await mail.rig.count(box.channel.tenant, "SELECT count(*) FROM messages WHERE provider_message_id = 'tls-1@tls.example'") == 1)
            let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: mail.smtpPort, security: .starttlsRequired, verifyCertificate: false))
            let reply = try await client.send(Array("From: b@tls.example\r\nSubject: ours\r\nMessage-ID: <tls-2@tls.example>\r\n\r\nhi\r\n".utf8),
                                              from: "b@tls.example", to: [box.address])
            #expect(reply.reply.code == 250)
            #expect(try await mail.rig.count(box.channel.tenant, "SELECT count(*) FROM messages WHERE provider_message_id = 'tls-2@tls.example'") == 1)
        }
    }

    @Test("a relay without STARTTLS is refused when TLS is required; a sender over its per-minute limit gets 451")
    func requiredTLSAndSenderLimit() async throws {
        try await EmailRig.with(senderLimit: 2) { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            let required = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: mail.smtpPort, security: .starttlsRequired))
            await #expect(throws: SMTPClientError.self) {
                try await required.send(Array("Subject: x\r\n\r\nx\r\n".utf8), from: "c@example.org", to: [box.address])
            }
            for index in 0..<2 {
                try await mail.deliver(EmailThreadingTests.mail(id: "rate-\(index)@example.org", to: box.address, subject: "n\(index)"), to: box.address,
                                       from: "flood@example.org")
            }
            do {
                try await mail.deliver(EmailThreadingTests.mail(id: "rate-2@example.org", to: box.address, subject: "n2"), to: box.address,
                                       from: "flood@example.org")
                Issue.record("the third message within a minute was accepted")
            } catch let SMTPClientError.refused(_, reply) {
                #expect(reply.code == 451)
            }
        }
    }
}
