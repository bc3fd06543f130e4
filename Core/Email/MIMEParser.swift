/// Parses an Internet message (RFC 5322, MIME RFC 2045-2049) into a `ParsedEmail`. Never throws and never traps on
/// hostile input: nesting is bounded by `maximumDepth`, parts by `maximumParts`, and every scan is a forward pass.
public enum MIMEParser {
    /// The deepest multipart or message/rfc822 nesting that is parsed; deeper content is kept as an attachment.
    public static let maximumDepth = 20
    /// The most body parts read from one message (forwarded messages included).
    public static let maximumParts = 1_000

    /// Parses `bytes` (the message as received, CRLF or LF line ends).
    public static func parse(_ bytes: [UInt8]) -> ParsedEmail {
        var budget = PartBudget(remaining: maximumParts)
        return parseMessage(bytes, range: 0..<bytes.count, depth: 0, budget: &budget)
    }

    /// How many more parts may be read.
    struct PartBudget {
        var remaining: Int
        var warned = false
    }

    /// Parses one message (the top level or a forwarded one).
    static func parseMessage(_ bytes: [UInt8], range: Range<Int>, depth: Int, budget: inout PartBudget) -> ParsedEmail {
        let block = HeaderBlock(bytes, range: range)
        var email = ParsedEmail()
        email.headers = block.headers
        email.warnings = block.warnings
        email.fillEnvelope()
        var collector = BodyCollector()
        var walker = PartWalker(bytes: bytes, budget: budget)
        walker.walk(headers: block.headers, body: block.bodyStart..<max(block.bodyStart, range.upperBound),
                    depth: depth, defaultType: "text/plain", into: &collector)
        budget = walker.budget
        email.warnings += collector.warnings
        email.attachments = collector.attachments
        email.forwarded = collector.forwarded
        email.deliveryReport = collector.deliveryReport
        email.html = collector.html
        if let plain = collector.plain {
            email.text = plain
        } else if let html = collector.html {
            email.text = HTMLToText.convert(html)
            email.textIsDerivedFromHTML = true
        }
        QuoteSeparator.separate(&email)
        return email
    }
}
