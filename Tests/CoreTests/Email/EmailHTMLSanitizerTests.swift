import GlavitoCore
import Testing

/// The allow-list sanitiser against XSS vectors, and what it keeps.
@Suite("Email: HTML sanitiser")
struct EmailHTMLSanitizerTests {
    func clean(_ html: String) -> String {
        EmailHTMLSanitizer.sanitize(html) { contentID in contentID == "logo@x" ? "/api/v1/attachments/7" : nil }
    }

    @Test("XSS vectors are removed", arguments: [
        "<script>alert(1)</script>", "<SCRIPT SRC=//evil.example/x.js></SCRIPT>", "<img src=x onerror=alert(1)>",
        "<a href=\"javascript:alert(1)\">x</a>", "<a href=\"jav&#x09;ascript:alert(1)\">x</a>",
        "<a href=\" JaVaScRiPt:alert(1)\">x</a>", "<a href=\"vbscript:msgbox(1)\">x</a>",
        "<a href=\"data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==\">x</a>",
        "<iframe src=\"https://evil.example\"></iframe>", "<object data=\"x.swf\"></object>", "<embed src=\"x.swf\">",
        "<form action=\"https://evil.example\"><input name=p></form>", "<svg onload=alert(1)><script>alert(1)</script></svg>",
        "<style>body{background:url(javascript:alert(1))}</style>", "<div style=\"background:url(javascript:alert(1))\">x</div>",
        "<body onload=alert(1)>", "<math><mtext><script>alert(1)</script></mtext></math>", "<img src=\"https://tracker.example/p.gif\">",
        "<meta http-equiv=\"refresh\" content=\"0;url=javascript:alert(1)\">", "<base href=\"javascript:alert(1)//\">",
        "<<script>alert(1);//<</script>", "<scr<script>ipt>alert(1)</script>", "<!--<script>alert(1)</script>-->",
        "<a href=\"https://ok.example\" onclick=\"alert(1)\">x</a>", "<div onmouseover='alert(1)'>x</div>",
        "<textarea><script>alert(1)</script></textarea>", "<img src=cid:unknown@x>",
    ])
    func xss(vector: String) {
        let output = clean("<p>before</p>" + vector + "<p>after</p>").lowercased()
        #expect(!output.contains("<script"))
        #expect(!output.contains("javascript:"))
        #expect(!output.contains("vbscript:"))
        #expect(!output.contains("onerror") && !output.contains("onload") && !output.contains("onclick") && !output.contains("onmouseover"))
        #expect(!output.contains("<iframe") && !output.contains("<object") && !output.contains("<embed") && !output.contains("<form"))
        #expect(!output.contains("<svg") && !output.contains("<style") && !output.contains("style=") && !output.contains("<meta"))
        #expect(!output.contains("tracker.example") && !output.contains("data:text"))
        #expect(output.hasPrefix("<p>before</p>"))
        #expect(output.contains("after"))
    }

    @Test("basic formatting, safe links with rel=noopener, cid: and data: images are kept")
    func keeps() {
        let output = clean("""
        <div><b>Bold</b> <i>it</i> <u>u</u><br><ul><li>one</li></ul>\
        <a href="https://example.com/a?b=1&amp;c=2" title="t">link</a> <a href="mailto:x@example.com">mail</a>\
        <img src="cid:logo@x" alt="logo"> <img src="data:image/png;base64,iVBORw0K" alt="dot">\
        <table border="0"><tr><td colspan="2">cell</td></tr></table></div>
        """)
        #expect(output.contains("<b>Bold</b> <i>it</i> <u>u</u><br><ul><li>one</li></ul>"))
        #expect(output.contains("<a href=\"https://example.com/a?b=1&amp;c=2\" title=\"t\" rel=\"noopener noreferrer\" target=\"_blank\">link</a>"))
        #expect(output.contains("<a href=\"mailto:x@example.com\" rel=\"noopener noreferrer\" target=\"_blank\">mail</a>"))
        #expect(output.contains("<img src=\"/api/v1/attachments/7\" alt=\"logo\">"))
        #expect(output.contains("<img src=\"data:image/png;base64,iVBORw0K\" alt=\"dot\">"))
        #expect(output.contains("<td colspan=\"2\">cell</td>"))
    }

    @Test("text is escaped, unclosed elements are closed, stray end tags dropped")
    func structure() {
        #expect(clean("a &lt;b&gt; & c") == "a &lt;b&gt; &amp; c")
        #expect(clean("<b><i>x") == "<b><i>x</i></b>")
        #expect(clean("x</div></b>y") == "xy")
        #expect(clean("<p title='\"><script>'>t</p>") == "<p title=\"&quot;&gt;&lt;script&gt;\">t</p>")
    }
}
