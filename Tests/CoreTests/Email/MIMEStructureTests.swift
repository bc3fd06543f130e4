import Foundation
import GlavitoCore
import Testing

/// RFC 2045-2049 structure: multipart nesting, transfer encodings, broken boundaries, forwards, reports, signatures.
@Suite("Email: MIME structure")
struct MIMEStructureTests {
    @Test("nested multipart/mixed > alternative > related: plain, HTML, an inline image and an attachment")
    func nesting() {
        let email = MIMEFixtures.parse([
            "From: a@example.com", "Content-Type: multipart/mixed; boundary=outer", "", "preamble",
            "--outer", "Content-Type: multipart/alternative; boundary=\"alt\"", "",
            "--alt", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "",
            "Gr=C3=BC=C3=9Fe, a long line that is =", "soft-broken.", "",
            "--alt", "Content-Type: multipart/related; boundary=rel", "",
            "--rel", "Content-Type: text/html; charset=utf-8", "", "<p>Hi <img src=\"cid:logo@x\"></p>",
            "--rel", "Content-Type: image/png", "Content-ID: <logo@x>", "Content-Transfer-Encoding: base64", "", "iVBORw0K", "GgoA",
            "--rel--", "--alt--",
            "--outer", "Content-Type: application/pdf; name=\"report.pdf\"", "Content-Disposition: attachment",
            "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQ=", "--outer--", "epilogue",
        ])
        #expect(email.text == "Grüße, a long line that is soft-broken.\n")
        #expect(email.html == "<p>Hi <img src=\"cid:logo@x\"></p>")
        #expect(email.attachments.count == 2)
        let image = email.attachments.first { $0.contentType == "image/png" }
        #expect(image?.contentID == "logo@x")
        #expect(image?.isInline == true)
        #expect(image?.data == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00])
        let pdf = email.attachments.first { $0.contentType == "application/pdf" }
        #expect(pdf?.filename == "report.pdf")
        #expect(pdf?.isInline == false)
        #expect(pdf?.data == Array("%PDF-1.4".utf8))
        #expect(email.warnings.isEmpty)
    }

    @Test("transfer encodings: base64 with junk and line breaks, quoted-printable, 8bit, binary, and an unknown one")
    func transferEncodings() {
        func body(_ encoding: String, _ content: String) -> String? {
            MIMEFixtures.parse(["Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: \(encoding)", "", content]).text
        }
        #expect(body("base64", "SGVs\r\nbG8g!!d29y\r\nbGQ=") == "Hello world")
        #expect(body("BASE64", "w6nDqQ") == "éé")  // no padding
        #expect(body("quoted-printable", "a=3Db =\r\nc=XYd  ") == "a=b c=XYd")
        #expect(body("8bit", "naïve") == "naïve")
        #expect(body("binary", "raw") == "raw")
        let odd = MIMEFixtures.parse(["Content-Transfer-Encoding: x-unheard-of", "", "as is"])
        #expect(odd.text == "as is")
        #expect(odd.warnings.contains { $0.contains("x-unheard-of") })
    }

    @Test("a missing close delimiter, a boundary that never occurs and a missing boundary parameter")
    func brokenBoundaries() {
        let unclosed = MIMEFixtures.parse([
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "", "first",
            "--b", "Content-Type: text/csv; name=a.csv", "", "x,y",
        ])
        #expect(unclosed.text == "first")
        #expect(unclosed.attachments.first?.filename == "a.csv")
        #expect(unclosed.attachments.first?.data == Array("x,y".utf8))
        #expect(unclosed.warnings.contains { $0.contains("close delimiter") })

        let absent = MIMEFixtures.parse(["Content-Type: multipart/mixed; boundary=zzz", "", "just text"])
        #expect(absent.text == "just text")
        #expect(absent.warnings.contains { $0.contains("not found") })

        let noParameter = MIMEFixtures.parse(["Content-Type: multipart/alternative", "", "hello"])
        #expect(noParameter.text == "hello")
        #expect(noParameter.warnings.contains { $0.contains("without a boundary") })
    }

    @Test("RFC 2231 file names with continuations and a charset, RFC 2047 names, Content-Type name")
    func fileNames() {
        let email = MIMEFixtures.parse([
            "Content-Type: multipart/mixed; boundary=b", "", "--b", "", "body",
            "--b", "Content-Type: application/octet-stream",
            "Content-Disposition: attachment; filename*0*=iso-8859-1'de'%DCbersicht%20;", " filename*1=\"2024\"; filename*2*=.pdf",
            "", "x",
            "--b", "Content-Type: application/octet-stream; name=\"=?UTF-8?B?0L7RgtGH0LXRgi5kb2N4?=\"", "", "y",
            "--b", "Content-Type: text/plain; name*=UTF-8''%E2%82%AC.txt", "Content-Disposition: attachment", "", "z",
            "--b--",
        ])
        #expect(email.text == "body")
        #expect(email.attachments.map(\.filename) == ["Übersicht 2024.pdf", "отчет.docx", "€.txt"])
    }

    @Test("message/rfc822 forwards parse as nested messages with their own text and attachments")
    func forwarded() {
        let email = MIMEFixtures.parse([
            "Subject: Fwd: invoice", "Content-Type: multipart/mixed; boundary=b", "", "--b", "Content-Type: text/plain", "",
            "see below", "--b", "Content-Type: message/rfc822", "",
            "From: Vendor <billing@vendor.example>", "Subject: Invoice =?utf-8?q?n=C2=BA?= 7", "Message-ID: <inv7@vendor>",
            "Content-Type: multipart/mixed; boundary=inner", "",
            "--inner", "Content-Type: text/plain", "", "Please pay.",
            "--inner", "Content-Type: application/pdf", "Content-Disposition: attachment; filename=invoice.pdf", "", "%PDF",
            "--inner--", "", "--b--",
        ])
        #expect(email.text == "see below")
        #expect(email.forwarded.count == 1)
        let inner = email.forwarded.first
        #expect(inner?.subject == "Invoice nº 7")
        #expect(inner?.messageID == "inv7@vendor")
        #expect(inner?.from.first?.address == "billing@vendor.example")
        #expect(inner?.text == "Please pay.")
        #expect(inner?.attachments.map(\.filename) == ["invoice.pdf"])
    }

    @Test("multipart/report bounces: per-recipient DSN fields and the original Message-ID")
    func deliveryReport() throws {
        let email = MIMEFixtures.parse([
            "From: Mail Delivery System <MAILER-DAEMON@mx.example>", "Subject: Undelivered Mail Returned to Sender",
            "Auto-Submitted: auto-replied",
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "",
            "--r", "Content-Type: text/plain", "", "Your message could not be delivered.",
            "--r", "Content-Type: message/delivery-status", "",
            "Reporting-MTA: dns; mx.example", "Arrival-Date: Mon, 1 Jan 2024 10:00:00 +0000", "",
            "Final-Recipient: rfc822; gone@customer.example", "Original-Recipient: rfc822;gone@customer.example",
            "Action: failed", "Status: 5.1.1", "Diagnostic-Code: smtp; 550 5.1.1 <gone@customer.example>: Recipient",
            "    address rejected: User unknown", "",
            "Final-Recipient: rfc822; slow@customer.example", "Action: delayed", "Status: 4.4.1", "",
            "--r", "Content-Type: text/rfc822-headers", "",
            "From: agent@glavito.example", "Message-ID: <ticket-42.1@glavito.example>", "Subject: Your ticket", "",
            "--r--",
        ])
        let report = try #require(email.deliveryReport)
        #expect(report.originalMessageID == "ticket-42.1@glavito.example")
        #expect(report.isPermanentFailure)
        #expect(report.recipients.count == 2)
        #expect(report.recipients.first == DeliveryReport.Recipient(
            finalRecipient: "gone@customer.example", action: "failed", status: "5.1.1",
            diagnostic: "550 5.1.1 <gone@customer.example>: Recipient    address rejected: User unknown"))
        #expect(report.recipients.last?.action == "delayed")
        #expect(email.text == "Your message could not be delivered.")
        #expect(email.autoReply == .autoReplied)

        // The returned message as message/rfc822: its Message-ID, and a delay only is not a permanent failure.
        let delayed = MIMEFixtures.parse([
            "Content-Type: multipart/report; report-type=delivery-status; boundary=r", "", "--r", "", "delayed",
            "--r", "Content-Type: message/delivery-status", "", "Reporting-MTA: dns; mx", "",
            "Final-Recipient: rfc822; x@y.example", "Action: delayed", "Status: 4.4.7", "",
            "--r", "Content-Type: message/rfc822", "", "Message-ID: <orig@host>", "Subject: s", "", "original body", "--r--",
        ])
        #expect(delayed.deliveryReport?.originalMessageID == "orig@host")
        #expect(delayed.deliveryReport?.isPermanentFailure == false)
        #expect(delayed.forwarded.first?.text == "original body")
    }

    @Test("multipart/signed shows the signed content and keeps the signature as an attachment")
    func signed() {
        let email = MIMEFixtures.parse([
            "Content-Type: multipart/signed; micalg=pgp-sha256; protocol=\"application/pgp-signature\"; boundary=s", "",
            "--s", "Content-Type: multipart/mixed; boundary=m", "",
            "--m", "Content-Type: text/plain", "", "signed text", "--m--", "",
            "--s", "Content-Type: application/pgp-signature; name=signature.asc", "", "-----BEGIN PGP SIGNATURE-----", "--s--",
        ])
        #expect(email.text == "signed text")
        #expect(email.attachments.map(\.contentType) == ["application/pgp-signature"])
        #expect(email.attachments.first?.filename == "signature.asc")
    }

    @Test("hostile input: deep nesting is bounded, many parts are bounded, garbage never traps", .timeLimit(.minutes(1)))
    func hostile() {
        var deep = ["Content-Type: multipart/mixed; boundary=b0", ""]
        for level in 0..<200 { deep += ["--b\(level)", "Content-Type: multipart/mixed; boundary=b\(level + 1)", ""] }
        let nested = MIMEFixtures.parse(deep)
        #expect(nested.warnings.contains { $0.contains("deeper than") })

        var forwards: [String] = []
        for _ in 0..<100 { forwards += ["Content-Type: message/rfc822", ""] }
        var level = MIMEFixtures.parse(forwards + ["Subject: bottom", "", "x"])
        var depth = 0
        while let inner = level.forwarded.first {
            level = inner
            depth += 1
        }
        #expect(depth == MIMEParser.maximumDepth)
        #expect(level.warnings.contains { $0.contains("deeper than") })

        var many = ["Content-Type: multipart/mixed; boundary=b", ""]
        for index in 0..<5_000 { many += ["--b", "Content-Type: application/octet-stream", "", "\(index)"] }
        let parts = MIMEFixtures.parse(many)
        #expect(parts.attachments.count < MIMEParser.maximumParts)
        #expect(parts.warnings.contains { $0.contains("parts") })

        let garbage: [[UInt8]] = [
            [], [0x0A], [0xFF, 0xFE, 0x00], Array("=?".utf8), Array("Subject: =?utf-8?b?".utf8),
            Array("Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n".utf8),
            Array("Content-Type: text/plain; charset*0*=x'y'%".utf8), Array(repeating: 0x3D, count: 10_000),
            Array(("Content-Type: text/html\n\n" + String(repeating: "<a href='", count: 2_000)).utf8),
        ]
        for bytes in garbage { _ = MIMEParser.parse(bytes) }
    }
}
