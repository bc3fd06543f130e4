import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing
@testable import ControlPlane

@Suite("Email: outbound and loops")
struct EmailOutboundTests {
    /// Waits until the sink holds `count` messages.
    static func sunk(_ mail: EmailRig, _ count: Int, timeout: Duration = .seconds(60)) async throws -> [URL] {
        _ = try await mail.rig.eventually(timeout: timeout) { mail.sunk().count >= count }
        return mail.sunk()
    }

    @Test("replies reach a real SMTP server branded, threaded and DKIM-signed (Ed25519 and RSA), as Python reads them")
    func outboundThroughAiosmtpd() async throws {
        try await EmailRig.with { mail in
            let key = try DKIMSigner.generatePrivateKey(.ed25519SHA256)
            let box = try await mail.mailbox(extra: ["dkim_selector": "s1", "dkim_algorithm": "ed25519-sha256"].merging(["dkim_domain": ""]) { $1 },
                                             secrets: ChannelSecrets(dkimPrivateKey: key)).withDKIMDomain(mail)
            let signer = try DKIMSigner(domain: box.domain, selector: "s1", algorithm: .ed25519SHA256, privateKey: key)
            let worker = try await mail.rig.startWorker(box.channel.tenant)
            defer { worker.send(SIGTERM) }
            try await mail.deliver(EmailThreadingTests.mail(id: "c1@example.org", to: box.address, subject: "Grinder makes noise"), to: box.address)
            // The acknowledgement: automatic, threaded, signed.
            let first = try await Self.sunk(mail, 1)
            #expect(first.count == 1)
            let ack = try await mail.inspect(first[0], record: signer.publicKeyRecord)
            #expect(ack["dkim"] as? Bool == true, "\(ack)")
            #expect(ack["auto-submitted"] as? String == "auto-replied")
            #expect(ack["in-reply-to"] as? String == "<c1@example.org>")
            let token = try #require(try await mail.value(box, String.self, "SELECT email_token FROM tickets LIMIT 1"))
            #expect((ack["subject"] as? String)?.contains("[#\(token)]") == true, "\(ack["subject"] ?? "")")
            #expect((ack["reply-to"] as? String)?.contains("support+\(token)@\(box.domain)") == true)
            // An agent's reply with a copy.
            let ticket = try #require(try await mail.value(box, UUID.self, "SELECT id FROM tickets LIMIT 1"))
            let apiKey = try await mail.rig.key([.ticketsRead, .ticketsReply], box.channel)
            let sent = try await mail.rig.api(.POST, "/api/v1/tickets/\(ticket.uuidString.lowercased())/messages", box.channel, headers: apiKey,
                                              json: #"{"type":"text","text":"Hallo Lena, **bitte** entkalken: https://example.com/anleitung","cc":["boss@example.org"],"bcc":["audit@example.org"],"attachments":[{"filename":"Anleitung März.pdf","content_type":"application/pdf","data":"JVBERi0xLjQKJSBmYWtlCg=="}]}"#)
            #expect(sent.status == 202, "\(sent.body)")
            let both = try await Self.sunk(mail, 2)
            let reply = try await mail.inspect(both[1], record: signer.publicKeyRecord)
            #expect(reply["dkim"] as? Bool == true, "\(reply)")
            #expect(reply["auto-submitted"] == nil || reply["auto-submitted"] is NSNull)
            #expect((reply["to"] as? String)?.contains("lena@example.org") == true)
            #expect((reply["cc"] as? String)?.contains("boss@example.org") == true)
            #expect(reply["in-reply-to"] as? String == "<c1@example.org>")
            let references = reply["references"] as? String ?? ""
            #expect(references.contains("<c1@example.org>") && references.contains(box.domain), "\(references)")
            #expect(reply["types"] as? [String] == ["multipart/mixed", "multipart/alternative", "text/plain", "text/html", "application/pdf"],
                    "\(reply["types"] ?? "")")
            #expect(reply["attachments"] as? [String] == ["Anleitung März.pdf"], "\(reply["attachments"] ?? "")")
            #expect(reply["bcc"] == nil || reply["bcc"] is NSNull, "a blind copy is not written into the message")
            #expect((reply["text"] as? String)?.contains("Hallo Lena, bitte entkalken") == true, "\(reply["text"] ?? "")")
            #expect((reply["html"] as? String)?.contains("<strong>bitte</strong>") == true)
            #expect((reply["defects"] as? [Any])?.isEmpty == true, "\(reply["defects"] ?? "")")
            // The envelope went to the copy too, and the message is sent.
            let envelope = try String(contentsOf: both[1].deletingPathExtension().appendingPathExtension("json"), encoding: .utf8)
            #expect(envelope.contains("boss@example.org") && envelope.contains("lena@example.org") && envelope.contains("audit@example.org"))
            #expect(try await mail.rig.eventually { try await mail.value(box, String.self, "SELECT delivery_status FROM messages WHERE direction = 'outbound' AND content ->> 'automatic' IS NULL") == "sent" })
            // A customer reply to the agent's message threads back by In-Reply-To.
            let ours = try #require((reply["message-id"] as? String)?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
            try await mail.deliver(EmailThreadingTests.mail(id: "c2@example.org", to: box.address, subject: "Re: Grinder", inReplyTo: ours), to: box.address)
            #expect(try await EmailThreadingTests.placed(mail, box, "c2@example.org").0 == ticket)
        }
    }

    @Test("an RSA-SHA256 DKIM signature verifies with dkimpy")
    func rsaSignature() async throws {
        try await EmailRig.with { mail in
            let key = try DKIMSigner.generatePrivateKey(.rsaSHA256)
            let box = try await mail.mailbox(extra: ["dkim_selector": "rsa1", "dkim_algorithm": "rsa-sha256", "dkim_domain": ""],
                                             secrets: ChannelSecrets(dkimPrivateKey: key)).withDKIMDomain(mail)
            let signer = try DKIMSigner(domain: box.domain, selector: "rsa1", algorithm: .rsaSHA256, privateKey: key)
            let worker = try await mail.rig.startWorker(box.channel.tenant)
            defer { worker.send(SIGTERM) }
            try await mail.deliver(EmailThreadingTests.mail(id: "r1@example.org", to: box.address, subject: "Ümlaut subject ✓",
                                                            body: "Grüße"), to: box.address)
            let sunk = try await Self.sunk(mail, 1)
            let ack = try await mail.inspect(sunk[0], record: signer.publicKeyRecord)
            #expect(ack["dkim"] as? Bool == true, "\(ack)")
            #expect((ack["subject"] as? String)?.hasPrefix("Re: Ümlaut subject ✓") == true, "\(ack["subject"] ?? "")")
        }
    }

    @Test("out-of-office replies, our own mail and bounces are stored but never answered; a bounce fails the message it returns")
    func loops() async throws {
        try await EmailRig.with { mail in
            let box = try await mail.mailbox()
            let worker = try await mail.rig.startWorker(box.channel.tenant)
            defer { worker.send(SIGTERM) }
            try await mail.deliver(EmailThreadingTests.mail(id: "l1@example.org", to: box.address, subject: "Where is my order?"), to: box.address)
            let first = try await Self.sunk(mail, 1)
            let ack = try await mail.inspect(first[0])
            let ackID = try #require((ack["message-id"] as? String)?.trimmingCharacters(in: CharacterSet(charactersIn: "<>")))
            // The customer's out-of-office answers our acknowledgement.
            try await mail.deliver(EmailThreadingTests.mail(id: "ooo@example.org", to: box.address, subject: "Automatic reply: Where is my order?",
                                                            inReplyTo: ackID, extra: "Auto-Submitted: auto-replied\nX-Auto-Response-Suppress: All\n"),
                                   to: box.address)
            // A new ticket from an autoresponder (no thread) is not acknowledged either.
            try await mail.deliver(EmailThreadingTests.mail(id: "ooo2@example.org", from: "Bot <noreply@shop.example>", to: box.address,
                                                            subject: "Ihre Anfrage", extra: "Precedence: bulk\n"), to: box.address)
            // Our own mail coming back is not answered.
            try await mail.deliver(EmailThreadingTests.mail(id: "own@\(box.domain)", from: "Support <\(box.address)>", to: box.address,
                                                            subject: "Loop?", extra: "X-Glavito-Loop: \(box.domain)\n"), to: box.address)
            // A bounce for the acknowledgement.
            let bounce = """
                From: Mail Delivery System <MAILER-DAEMON@mx.example.org>
                To: \(box.address)
                Subject: Undelivered Mail Returned to Sender
                Message-ID: <bounce-1@mx.example.org>
                Auto-Submitted: auto-replied
                MIME-Version: 1.0
                Content-Type: multipart/report; report-type=delivery-status; boundary="BOUND"

                --BOUND
                Content-Type: text/plain

                I'm sorry to have to inform you that your message could not be delivered.

                --BOUND
                Content-Type: message/delivery-status

                Reporting-MTA: dns; mx.example.org

                Final-Recipient: rfc822; lena@example.org
                Action: failed
                Status: 5.1.1
                Diagnostic-Code: smtp; 550 5.1.1 <lena@example.org>: Recipient address rejected: User unknown

                --BOUND
                Content-Type: text/rfc822-headers

                From: Support <\(box.address)>
                To: lena@example.org
                Subject: Re: Where is my order?
                Message-ID: <\(ackID)>

                --BOUND--
                """
            try await mail.deliver(bounce, to: box.address, from: "")
            #expect(try await mail.rig.eventually {
                try await mail.value(box, String.self, "SELECT delivery_status FROM messages WHERE provider_message_id = \(ackID)") == "failed"
            })
            let note = try await mail.value(box, String.self, "SELECT text FROM messages WHERE provider_message_id = 'bounce-1@mx.example.org'")
            #expect(note?.contains("5.1.1") == true, "\(note ?? "")")
            // Nothing but the one acknowledgement was ever queued, and nothing more reached the server.
            #expect(try await mail.rig.count(box.channel.tenant, "SELECT count(*) FROM messages WHERE direction = 'outbound'") == 1)
            #expect(try await mail.value(box, String.self, "SELECT content ->> 'auto_reply' FROM messages WHERE provider_message_id = 'ooo@example.org'") != nil)
            let own = try await mail.value(box, String.self, "SELECT content ->> 'suppressed' FROM messages WHERE provider_message_id = \("own@" + box.domain)")
            #expect(own == "own_mail")
            try await Task.sleep(for: .seconds(2))
            #expect(mail.sunk().count == 1)
        }
    }
}

extension EmailRig.Mailbox {
    /// The mailbox with its DKIM domain set to its own domain (known only once the tenant exists).
    func withDKIMDomain(_ mail: EmailRig) async throws -> EmailRig.Mailbox {
        let account = try await mail.rig.db(channel.tenant) { connection in
            try await ChannelAccountStore(tenant: channel.tenant, keyRing: mail.rig.identity.keyRing)
                .update(channel.account.id, name: nil, settings: ["dkim_domain": domain], enabled: nil, secrets: nil, on: connection,
                        logger: TestDatabases.logger)
        }
        return EmailRig.Mailbox(channel: ChannelRig.Channel(tenant: channel.tenant, host: channel.host, account: account, secrets: channel.secrets),
                                address: address, domain: domain)
    }
}
