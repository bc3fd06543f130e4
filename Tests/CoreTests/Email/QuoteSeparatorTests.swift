import GlavitoCore
import Testing

/// New text separated from quoted history and signatures, as Gmail, Outlook, Apple Mail and Thunderbird write replies.
@Suite("Email: quoted history and signatures")
struct QuoteSeparatorTests {
    func plain(_ body: [String]) -> ParsedEmail {
        MIMEFixtures.parse(["Content-Type: text/plain; charset=utf-8", ""] + body)
    }

    func html(_ body: String) -> ParsedEmail {
        MIMEFixtures.parse(["Content-Type: text/html; charset=utf-8", "", body])
    }

    @Test("Gmail plain text: attribution on two lines, > quote, -- signature")
    func gmailPlain() {
        let email = plain([
            "Thanks, that fixed it!", "", "-- ", "Ann Customer", "ACME Ltd", "",
            "On Mon, Jan 1, 2024 at 10:00 AM Support Team <support@glavito.example>", "wrote:", "", "> Please try again.", "> Bye",
        ])
        #expect(email.newText == "Thanks, that fixed it!")
        #expect(email.signature == "Ann Customer\nACME Ltd")
        #expect(email.quotedText?.hasPrefix("On Mon, Jan 1, 2024") == true)
        #expect(email.quotedText?.hasSuffix("> Bye") == true)
    }

    @Test("attribution lines in several languages", arguments: [
        "Am 01.01.2024 um 10:00 schrieb Support <s@example.com>:",
        "Le lun. 1 janv. 2024 à 10:00, Support <s@example.com> a écrit :",
        "El lun, 1 ene 2024 a las 10:00, Support (<s@example.com>) escribió:",
        "Em seg., 1 de jan. de 2024 às 10:00, Support <s@example.com> escreveu:",
        "Il giorno lun 1 gen 2024 alle ore 10:00 Support <s@example.com> ha scritto:",
        "Op ma 1 jan. 2024 om 10:00 schreef Support <s@example.com>:",
        "Den mån 1 jan. 2024 kl 10:00 skrev Support <s@example.com>:",
        "pon., 1 sty 2024 o 10:00 Support <s@example.com> napisał(a):",
        "пн, 1 янв. 2024 г. в 10:00, Support <s@example.com>:написал:",
        "2024年1月1日(月) 10:00 Support <s@example.com>:のメッセージ:",
        "Support <s@example.com> 于2024年1月1日周一 10:00写道：",
    ])
    func attributions(line: String) {
        let email = plain(["New answer.", "", line, "> old"])
        #expect(email.newText == "New answer.")
        #expect(email.quotedText?.hasPrefix(String(line.prefix(5))) == true)
    }

    @Test("Outlook: -----Original Message----- and From/Sent blocks after an underscore rule")
    func outlook() {
        let original = plain(["Please see attached.", "", "Regards,", "Bob", "", "-----Original Message-----",
                              "From: Ann <ann@example.com>", "Sent: Monday, January 1, 2024 10:00 AM", "Subject: Help", "", "old text"])
        #expect(original.newText == "Please see attached.\n\nRegards,\nBob")
        #expect(original.quotedText?.hasPrefix("-----Original Message-----") == true)

        let block = plain(["Done.", "", "________________________________", "From: Support <s@example.com>",
                           "Sent: Monday, 1 January 2024 10:00", "To: Ann <ann@example.com>", "Subject: RE: Help", "", "old"])
        #expect(block.newText == "Done.")
        #expect(block.quotedText?.hasPrefix("________") == true)
    }

    @Test("a trailing > quote folds away; inline answers between quoted lines stay")
    func quotedLines() {
        let trailing = plain(["Yes.", "", "> Is it working?", ">", "> Thanks"])
        #expect(trailing.newText == "Yes.")
        #expect(trailing.quotedText == "> Is it working?\n>\n> Thanks")

        let inline = plain(["> Question one?", "Answer one.", "> Question two?", "Answer two."])
        #expect(inline.newText == "> Question one?\nAnswer one.\n> Question two?\nAnswer two.")
        #expect(inline.quotedText == nil)
    }

    @Test("mobile footers count as the signature")
    func mobileFooter() {
        let email = plain(["Will do.", "", "Sent from my iPhone", "", "> On Jan 1 you wrote"])
        #expect(email.newText == "Will do.")
        #expect(email.signature == "Sent from my iPhone")
    }

    @Test("Gmail HTML: gmail_quote folds away, text derived from the new part")
    func gmailHTML() {
        let email = html("<div dir=\"ltr\">Thanks a lot!<br></div><br><div class=\"gmail_quote\"><div dir=\"ltr\" class=\"gmail_attr\">On Mon, Jan 1, 2024 Support wrote:<br></div><blockquote class=\"gmail_quote\">old <b>text</b></blockquote></div>")
        #expect(email.textIsDerivedFromHTML)
        #expect(email.newText == "Thanks a lot!")
        #expect(email.newHTML == "<div dir=\"ltr\">Thanks a lot!<br></div><br>")
        #expect(email.quotedText?.contains("old text") == true)
    }

    @Test("Apple Mail HTML: blockquote type=cite, the attribution before it folds away too")
    func appleMailHTML() {
        let email = html("<html><body><div>Sounds good.</div><div><br><blockquote type=\"cite\"><div>On 1 Jan 2024, at 10:00, Support &lt;s@example.com&gt; wrote:</div><div>old</div></blockquote></div></body></html>")
        #expect(email.newText == "Sounds good.")
        #expect(email.quotedText?.contains("old") == true)

        let attributionOutside = html("<div>Sounds good.</div><div>On 1 Jan 2024, at 10:00, Support &lt;s@example.com&gt; wrote:</div><blockquote type=\"cite\">old</blockquote>")
        #expect(attributionOutside.newText == "Sounds good.")
        #expect(attributionOutside.quotedText?.contains("wrote:") == true)
    }

    @Test("Outlook HTML: divRplyFwdMsg starts the quoted history")
    func outlookHTML() {
        let email = html("<div>Confirmed.</div><hr style=\"display:inline-block\"><div id=\"divRplyFwdMsg\" dir=\"ltr\"><b>From:</b> Support<br><b>Sent:</b> Monday</div><div>old</div>")
        #expect(email.newText == "Confirmed.")
        #expect(email.quotedText?.contains("From: Support") == true)
    }

    @Test("a message that is only a quote keeps everything as new text")
    func onlyQuote() {
        let email = plain(["> forwarded line", "> another"])
        #expect(email.newText == "> forwarded line\n> another")
        #expect(email.quotedText == nil)
    }
}
