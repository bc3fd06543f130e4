import Foundation
import GlavitoCore
import Testing

/// Rendering the agents' markup for WhatsApp, plain text and HTML, and customers' WhatsApp text as HTML.
@Suite("Conversations: channel formatter")
struct ChannelFormatterTests {
    static let anchorAttributes = #"rel="noopener noreferrer nofollow" target="_blank""#

    @Test("emphasis and code per target")
    func emphasis() {
        let markup = "**Hallo** _Lena_, dein Paket ~~kommt morgen~~ ist *heute* da. Code: `A-42`"
        #expect(ChannelFormatter.render(markup, for: .whatsapp) == "*Hallo* _Lena_, dein Paket ~kommt morgen~ ist _heute_ da. Code: `A-42`")
        #expect(ChannelFormatter.render(markup, for: .plain) == "Hallo Lena, dein Paket kommt morgen ist heute da. Code: A-42")
        #expect(ChannelFormatter.render(markup, for: .html)
                == "<p><strong>Hallo</strong> <em>Lena</em>, dein Paket <del>kommt morgen</del> ist <em>heute</em> da. Code: <code>A-42</code></p>")
    }

    @Test("nested emphasis, and markers inside words or without a partner stay text")
    func nesting() {
        #expect(ChannelFormatter.render("*sehr **wichtig** hier*", for: .html) == "<p><em>sehr <strong>wichtig</strong> hier</em></p>")
        #expect(ChannelFormatter.render("order_id_42 and 2 * 3 = 6", for: .whatsapp) == "order_id_42 and 2 * 3 = 6")
        #expect(ChannelFormatter.render("**offen", for: .plain) == "**offen")
    }

    @Test("links and bare URLs per target")
    func links() {
        let markup = "Siehe [FAQ](https://example.com/faq) oder https://example.com/help."
        #expect(ChannelFormatter.render(markup, for: .whatsapp) == "Siehe FAQ (https://example.com/faq) oder https://example.com/help.")
        #expect(ChannelFormatter.render(markup, for: .plain) == "Siehe FAQ (https://example.com/faq) oder https://example.com/help.")
        #expect(ChannelFormatter.render(markup, for: .html)
                == #"<p>Siehe <a href="https://example.com/faq" \#(Self.anchorAttributes)>FAQ</a> oder "#
                + #"<a href="https://example.com/help" \#(Self.anchorAttributes)>https://example.com/help</a>.</p>"#)
        #expect(ChannelFormatter.render("[Mail](mailto:hilfe@example.com)", for: .html)
                == #"<p><a href="mailto:hilfe@example.com" \#(Self.anchorAttributes)>Mail</a></p>"#)
    }

    @Test("lists, paragraphs, line breaks and fenced code per target")
    func blocks() {
        let markup = "Schritte:\n1. Öffnen\n2. **Klicken**\n\n- eins\n* zwei\n\nZeile 1\nZeile 2\n\n```\nlet x = 1 < 2\n  *y*\n```"
        #expect(ChannelFormatter.render(markup, for: .whatsapp)
                == "Schritte:\n\n1. Öffnen\n2. *Klicken*\n\n- eins\n- zwei\n\nZeile 1\nZeile 2\n\n```let x = 1 < 2\n  *y*```")
        #expect(ChannelFormatter.render(markup, for: .plain)
                == "Schritte:\n\n1. Öffnen\n2. Klicken\n\n- eins\n- zwei\n\nZeile 1\nZeile 2\n\nlet x = 1 < 2\n  *y*")
        #expect(ChannelFormatter.render(markup, for: .html)
                == "<p>Schritte:</p>\n<ol><li>Öffnen</li><li><strong>Klicken</strong></li></ol>\n<ul><li>eins</li><li>zwei</li></ul>\n"
                + "<p>Zeile 1<br>Zeile 2</p>\n<pre>let x = 1 &lt; 2\n  *y*</pre>")
        #expect(ChannelFormatter.render("3. drei\n4. vier", for: .html) == #"<ol start="3"><li>drei</li><li>vier</li></ol>"#)
        #expect(ChannelFormatter.render("a\r\nb", for: .html) == "<p>a<br>b</p>")
    }

    @Test("HTML: injected markup, script links and quotes in attributes stay harmless text")
    func injection() {
        #expect(ChannelFormatter.render("<script>alert(1)</script>", for: .html) == "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>")
        #expect(ChannelFormatter.render("**<img src=x onerror=alert(1)>**", for: .html)
                == "<p><strong>&lt;img src=x onerror=alert(1)&gt;</strong></p>")
        for markup in ["[klick](javascript:alert(1))", "[klick](JaVaScRiPt:alert(1))", "[x](data:text/html;base64,PHNjcmlwdD4=)",
                       "[x](vbscript:msgbox)", "javascript:alert(1)", "[x](//evil.example.com)"] {
            let html = ChannelFormatter.render(markup, for: .html)
            #expect(!html.contains("<a") && !html.contains("href"), "\(markup) -> \(html)")
        }
        let quoted = ChannelFormatter.render(#"[x](https://example.com/"onmouseover="alert(1)) https://e.com/'><b>x"#, for: .html)
        #expect(!quoted.contains(#""onmouseover"#) && !quoted.contains("'>") && !quoted.contains("<b>"), "\(quoted)")
        #expect(quoted.contains(#"href="https://example.com/&quot;onmouseover=&quot;alert(1"#))
        #expect(ChannelFormatter.render("`<b>` & \"q\"", for: .html) == "<p><code>&lt;b&gt;</code> &amp; &quot;q&quot;</p>")
        // A combining mark makes `"\u{301}` one Character; the quote must still be escaped.
        #expect(HTMLText.escape("\"\u{301} onmouseover=x <\u{338}") == "&quot;\u{301} onmouseover=x &lt;\u{338}")
    }

    @Test("inbound WhatsApp formatting becomes safe HTML; other channels are escaped text")
    func inbound() {
        let text = "*Hallo* _du_ ~alt~ ```code <b>``` <script>alert(1)</script>\nhttps://example.com/x?a=1&b=2 javascript:alert(1) file_name_x"
        #expect(ChannelFormatter.inboundHTML(text, channel: .whatsapp)
                == "<strong>Hallo</strong> <em>du</em> <del>alt</del> <code>code &lt;b&gt;</code> &lt;script&gt;alert(1)&lt;/script&gt;<br>"
                + #"<a href="https://example.com/x?a=1&amp;b=2" \#(Self.anchorAttributes)>https://example.com/x?a=1&amp;b=2</a>"#
                + " javascript:alert(1) file_name_x")
        #expect(ChannelFormatter.inboundHTML("```\nlet a = 1\n```", channel: .whatsapp) == "<pre>\nlet a = 1\n</pre>")
        #expect(ChannelFormatter.inboundHTML("<b>hi</b>\n*x* https://example.com", channel: .instagram)
                == "&lt;b&gt;hi&lt;/b&gt;<br>*x* https://example.com")
    }

    @Test("long texts full of unpaired markers render in linear time")
    func unpairedMarkers() {
        // Four times the text must take well under sixteen times as long (what quadratic rendering would need).
        // Measured in this thread's CPU time, relative to itself: other tests running in parallel on a loaded machine
        // stretch the wall clock but not the CPU time the rendering itself needs.
        func seconds(_ scale: Int) -> Double {
            var best = Double.infinity
            for _ in 0..<3 {
                let started = Self.threadCPUSeconds()
                for text in [String(repeating: "*a _b ~c ```d [e ", count: 2_000 * scale), String(repeating: "[", count: 15_000 * scale)] {
                    #expect(ChannelFormatter.inboundHTML(text, channel: .whatsapp).count >= text.count)
                    #expect(ChannelFormatter.render(text, for: .html).count >= text.count)
                }
                best = min(best, Self.threadCPUSeconds() - started)
            }
            return best
        }
        let small = seconds(1)
        let large = seconds(4)
        #expect(large < small * 10 + 0.5, "1×: \(small) s, 4×: \(large) s")
    }

    /// CPU time the calling thread has used, in seconds.
    private static func threadCPUSeconds() -> Double {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return Double(spec.tv_sec) + Double(spec.tv_nsec) / 1e9
    }
}
