/// Separates the new text of a reply from the quoted history and the signature: "On … wrote:" attributions in several
/// languages, Outlook "-----Original Message-----" and "From: … Sent: …" blocks, trailing ">" quotes, the "-- "
/// signature delimiter; in HTML, Gmail, Apple Mail, Outlook, Thunderbird and Yahoo quote containers.
enum QuoteSeparator {
    /// Verbs of attribution lines ("On Mon, Ann <a@example.com> wrote:") in the languages our tenants' mail uses.
    static let attributionVerbs = [
        "wrote", "schrieb", "a écrit", "escribió", "escreveu", "ha scritto", "schreef", "geschreven", "skrev", "napisał",
        "pisze", "написал", "написала", "kirjoitti", "yazdı", "írta", "napsal", "a scris", "έγραψε", "写道", "寫道",
        "書きました", "のメッセージ", "작성", "kirjutas", "rašė", "rakstīja", "wrote on",
    ]
    /// Lines that start an Outlook-style or forwarded original.
    static let separators = [
        "-----original message-----", "----- original message -----", "-----ursprüngliche nachricht-----",
        "-----message d'origine-----", "-----mensaje original-----", "-----messaggio originale-----",
        "-----oorspronkelijk bericht-----", "-----mensagem original-----", "-----original meddelande-----",
        "-----исходное сообщение-----", "----- reply message -----",
    ]
    static let fromPrefixes = ["from:", "de:", "de :", "von:", "van:", "da:", "från:", "fra:", "od:", "от:", "差出人:", "发件人:"]
    static let sentPrefixes = [
        "sent:", "date:", "gesendet:", "envoyé :", "envoyé:", "enviado:", "enviado el:", "inviato:", "verzonden:",
        "skickat:", "sendt:", "wysłano:", "отправлено:", "送信日時:", "发送时间:", "to:", "subject:",
    ]
    /// HTML containers of quoted history, matched on class or id (lower-cased).
    static let htmlQuoteClasses = ["gmail_quote", "moz-cite-prefix", "yahoo_quoted", "protonmail_quote", "zmail_extra"]
    static let htmlQuoteIDs = ["divrplyfwdmsg", "appendonsend", "mail-editor-reference-message-container", "isforwardcontent"]

    /// Fills `newText`, `quotedText`, `signature` and `newHTML` from `text` and `html`.
    static func separate(_ email: inout ParsedEmail) {
        var quotedParts: [String] = []
        var source = email.text ?? ""
        if let html = email.html {
            if let cut = htmlQuoteStart(html) {
                let newHTML = String(html[..<cut])
                email.newHTML = newHTML
                quotedParts.append(HTMLToText.convert(String(html[cut...])))
                if email.textIsDerivedFromHTML { source = HTMLToText.convert(newHTML) }
            } else {
                email.newHTML = html
            }
        }
        let split = splitText(source)
        email.newText = split.new
        email.signature = split.signature
        if let quoted = split.quoted { quotedParts.insert(quoted, at: 0) }
        let quoted = quotedParts.filter { !$0.isEmpty }
        email.quotedText = quoted.isEmpty ? nil : quoted.joined(separator: "\n")
    }

    /// The new text, the quoted history and the signature of a plain text body.
    static func splitText(_ text: String) -> (new: String, quoted: String?, signature: String?) {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        var quoteStart = lines.count
        // The last line that is neither blank nor quoted: a ">" line after it starts a trailing quote.
        let lastUnquoted = lines.lastIndex { line in
            let trimmed = line.trimmingPrefixWhitespace()
            return !trimmed.isEmpty && !trimmed.hasPrefix(">")
        } ?? -1
        var index = 0
        while index < lines.count {
            if let start = quoteStartsHere(lines, index, lastUnquoted: lastUnquoted) {
                quoteStart = start
                break
            }
            index += 1
        }
        var signatureStart = quoteStart
        for position in stride(from: quoteStart - 1, through: 0, by: -1) {
            let line = lines[position]
            if line == "-- " || line == "--" || line == "-- \r" {
                signatureStart = position
                break
            }
        }
        if signatureStart == quoteStart {
            // A mobile client's footer on one of the last lines before the quote.
            var checked = 0
            for position in stride(from: quoteStart - 1, through: 0, by: -1) where checked < 3 {
                let line = lines[position].trimmingPrefixWhitespace().lowercased()
                if line.isEmpty { continue }
                checked += 1
                if line.hasPrefix("sent from my ") || line.hasPrefix("get outlook for ") || line.hasPrefix("von meinem ")
                    || line.hasPrefix("envoyé de mon ") || line.hasPrefix("enviado desde mi ") {
                    signatureStart = position
                }
            }
        }
        let new = trimTrailing(lines[0..<signatureStart].joined(separator: "\n"))
        let signatureLines = signatureStart < quoteStart
            ? lines[(lines[signatureStart].hasPrefix("--") ? signatureStart + 1 : signatureStart)..<quoteStart] : []
        let signature = trimTrailing(signatureLines.joined(separator: "\n"))
        let quoted = trimTrailing(lines[quoteStart...].joined(separator: "\n"))
        if new.isEmpty && signature.isEmpty {
            return (trimTrailing(text), nil, nil)  // nothing but a quote: show it all rather than nothing
        }
        return (new, quoted.isEmpty ? nil : quoted, signature.isEmpty ? nil : signature)
    }

    /// Whether quoted history starts at line `index` (returns the first line to fold, which may be earlier).
    static func quoteStartsHere(_ lines: [Substring], _ index: Int, lastUnquoted: Int) -> Int? {
        let line = lines[index].trimmingPrefixWhitespace()
        let lowered = line.lowercased().trimmingSuffixWhitespace()
        if lowered.isEmpty { return nil }
        if isAttribution(lowered) { return index }
        if index + 1 < lines.count, lowered.count < 200 {
            let joined = lowered + " " + lines[index + 1].trimmingPrefixWhitespace().lowercased().trimmingSuffixWhitespace()
            if isAttribution(joined) && !lowered.hasSuffix(":") { return index }
        }
        if separators.contains(where: { lowered.hasPrefix($0) }) { return index }
        if fromPrefixes.contains(where: { lowered.hasPrefix($0) }) {
            let window = lines[(index + 1)..<min(lines.count, index + 6)]
            let hasSent = window.contains { next in
                let nextLowered = next.trimmingPrefixWhitespace().lowercased()
                return sentPrefixes.contains { nextLowered.hasPrefix($0) }
            }
            if hasSent {
                if index > 0, lines[index - 1].hasPrefix("________") { return index - 1 }
                if index > 0 || index + 1 < lines.count { return index }
            }
        }
        if line.hasPrefix(">") {
            // A trailing quote: every later non-blank line is quoted too.
            if index > lastUnquoted { return index }
        }
        return nil
    }

    static func isAttribution(_ lowered: String) -> Bool {
        guard lowered.count < 400, lowered.hasSuffix(":") || lowered.hasSuffix("：") else { return false }
        return attributionVerbs.contains { lowered.contains($0) }
    }

    /// The UTF-8 offset of the first quote container in `html`.
    static func htmlQuoteStart(_ html: String) -> String.Index? {
        var tokenizer = HTMLTokenizer(html)
        while let token = tokenizer.next() {
            guard case .start(let name, let attributes, _, let range) = token else { continue }
            for (attribute, value) in attributes {
                let lowered = value.lowercased()
                if attribute == "class", htmlQuoteClasses.contains(where: { lowered.contains($0) }) { return range.lowerBound }
                if attribute == "id", htmlQuoteIDs.contains(lowered) { return range.lowerBound }
                if name == "blockquote", attribute == "type", lowered == "cite" { return range.lowerBound }
            }
        }
        return nil
    }

    /// Trailing whitespace and line breaks removed.
    static func trimTrailing(_ text: String) -> String {
        var end = text.endIndex
        while end > text.startIndex {
            let before = text.index(before: end)
            guard text[before].isWhitespace else { break }
            end = before
        }
        return String(text[..<end])
    }
}

extension StringProtocol {
    /// Without leading spaces and tabs.
    func trimmingPrefixWhitespace() -> SubSequence {
        drop { $0 == " " || $0 == "\t" }
    }

    /// Without trailing whitespace (spaces, tabs, CR).
    func trimmingSuffixWhitespace() -> String {
        var result = String(self)
        while let last = result.last, last == " " || last == "\t" || last == "\r" { result.removeLast() }
        return result
    }
}
