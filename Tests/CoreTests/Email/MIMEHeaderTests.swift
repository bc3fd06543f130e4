import Foundation
import GlavitoCore
import Testing

/// RFC 5322 header fields and RFC 2047 encoded words.
@Suite("Email: headers, addresses and encoded words")
struct MIMEHeaderTests {
    @Test("folded fields are unfolded; duplicates are kept in order; whitespace before the colon is accepted")
    func foldingAndDuplicates() {
        let email = MIMEFixtures.parse([
            "Received: from a", "Received: from b", "Subject: a folded", "\tsubject line", "X-Old  : obsolete spacing",
            "From: Ann <ann@Example.COM>", "", "body",
        ])
        #expect(email.subject == "a folded\tsubject line")
        #expect(email.headers.filter { $0.name == "Received" }.map(\.value) == ["from a", "from b"])
        #expect(email.headers("received") == ["from a", "from b"])
        #expect(email.header("x-old") == "obsolete spacing")
        #expect(email.headers.first { $0.name == "Subject" }?.rawValue == " a folded\r\n\tsubject line")
        #expect(email.from == [EmailAddress(name: "Ann", address: "ann@example.com")])
        #expect(email.text == "body")
    }

    @Test("an mbox From line is skipped and a line that is not a field starts the body, with a warning")
    func missingSeparator() {
        let email = MIMEFixtures.parse(["From sender@example.com Mon Jan  1 00:00:00 2024", "Subject: hi", "this is the body", "second line"])
        #expect(email.subject == "hi")
        #expect(email.text == "this is the body\nsecond line")
        #expect(email.warnings.contains { $0.contains("missing blank line") })
    }

    @Test("RFC 2047: B and Q words, adjacent words joined without the whitespace between them, split UTF-8")
    func encodedWords() {
        let email = MIMEFixtures.parse([
            "Subject: =?UTF-8?B?SGVsbG8g?= =?UTF-8?Q?W=C3=B6rld?=  =?iso-8859-1?q?_caf=E9?= plain",
            "From: =?UTF-8?Q?J=C3=BCrgen_M=C3=BCller?= <jm@example.de>, \"=?utf-8?B?5p2O?=\" <li@example.cn>",
            "To: =?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>",
            "Cc: =?utf-8?b?4oKs?==?utf-8?b?4oKs?=",
            "", "x",
        ])
        #expect(email.subject == "Hello Wörld café plain")
        #expect(email.from.map(\.name) == ["Jürgen Müller", "李"])
        #expect(email.to == [EmailAddress(name: "André Pirard", address: "PIRARD@vm1.ulg.ac.be")])
        #expect(email.to.first?.address == "PIRARD@vm1.ulg.ac.be")
        // A multi-byte character split across two B words decodes once the words are joined.
        let split = MIMEFixtures.parse(["Subject: =?UTF-8?B?4oI=?= =?UTF-8?B?rA==?=", "", ""])
        #expect(split.subject == "€")
        // Text between an encoded word and a plain word keeps its space.
        let mixed = MIMEFixtures.parse(["Subject: Re: =?utf-8?q?Gr=C3=BC=C3=9Fe?= aus Berlin", "", ""])
        #expect(mixed.subject == "Re: Grüße aus Berlin")
    }

    @Test("address lists: groups, comments, quoted names with commas, routes, bare addresses")
    func addressLists() {
        let list = MIMEParser.parseAddressList(
            "\"Doe, John\" <john@EXAMPLE.org>, team: a@x.io, (comment) b@y.io;, c@z.io (Cee), <@relay.net:d@w.io>, undisclosed-recipients:;"
        )
        #expect(list.map(\.address) == ["john@example.org", "a@x.io", "b@y.io", "c@z.io", "d@w.io"])
        #expect(list.first?.name == "Doe, John")
        #expect(list[3].name == "Cee")
        #expect(MIMEParser.parseAddressList("Mary Q. Public <Mary.Public@Example.com>").first
                == EmailAddress(name: "Mary Q. Public", address: "Mary.Public@example.com"))
        #expect(MIMEParser.parseAddressList("").isEmpty)
    }

    @Test("Message-ID, In-Reply-To and References without angle brackets, in order; the date with its zone")
    func idsAndDate() throws {
        let email = MIMEFixtures.parse([
            "Message-ID: <abc@host>", "In-Reply-To: <p1@host> (comment)", "References: <r1@a>", " <r2@b>\t<p1@host>",
            "Date: Tue, 1 Jul 2003 10:52:37 +0200", "Sender: Bob <bob@example.com>", "Reply-To: help@example.com", "", "",
        ])
        #expect(email.messageID == "abc@host")
        #expect(email.inReplyTo == ["p1@host"])
        #expect(email.references == ["r1@a", "r2@b", "p1@host"])
        #expect(email.date == Date(timeIntervalSince1970: 1_057_049_557))
        #expect(email.sender?.address == "bob@example.com")
        #expect(email.replyTo.map(\.address) == ["help@example.com"])
        #expect(MIMEFixtures.parse(["Date: 1 Jan 70 00:00:00 GMT", "", ""]).date == Date(timeIntervalSince1970: 0))
        #expect(MIMEFixtures.parse(["Date: not a date", "", ""]).date == nil)
    }

    @Test("the RFC 2047 encoder leaves ASCII alone and writes words of at most 75 characters that decode back")
    func encoder() {
        #expect(EncodedWord.encode("Plain subject") == "Plain subject")
        let text = String(repeating: "Grüße aus Köln, 日本語 👨‍👩‍👧‍👦 ", count: 6)
        let encoded = EncodedWord.encode(text)
        let words = encoded.split(separator: " ")
        #expect(words.count > 3)
        #expect(words.allSatisfy { $0.count <= 75 && $0.hasPrefix("=?UTF-8?B?") && $0.hasSuffix("?=") })
        #expect(MIMEFixtures.parse(["Subject: \(encoded)", "", ""]).subject == text)
    }

    @Test("auto-reply classification from headers", arguments: [
        (["Auto-Submitted: auto-replied"], AutoReplyKind?.some(.autoReplied)),
        (["Auto-Submitted: auto-generated (failure)"], .autoGenerated),
        (["Auto-Submitted: no"], nil),
        (["Precedence: bulk"], .bulk),
        (["Precedence: junk"], .bulk),
        (["Precedence: list"], .list),
        (["List-Id: <support.example.com>"], .list),
        (["List-Unsubscribe: <mailto:u@example.com>"], .list),
        (["X-Autoreply: yes"], .outOfOffice),
        (["X-Autorespond: vacation"], .outOfOffice),
        (["X-Auto-Response-Suppress: OOF, AutoReply"], .outOfOffice),
        (["Subject: hello"], nil),
    ])
    func autoReply(headers: [String], expected: AutoReplyKind?) {
        #expect(MIMEFixtures.parse(headers + ["", "body"]).autoReply == expected)
    }
}
