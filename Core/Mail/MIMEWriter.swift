import Foundation

/// Writes an ``OutboundEmail`` as an RFC 5322 / MIME message with CRLF line endings: `multipart/alternative` with
/// the text and HTML parts (quoted-printable UTF-8), wrapped in `multipart/mixed` when there are attachments
/// (base64); non-ASCII in names and the subject as RFC 2047 encoded words; long header fields folded.
public enum MIMEWriter {
    /// The message's bytes. `boundary` seeds the part boundaries (random in production, fixed in tests).
    public static func render(_ email: OutboundEmail, boundary: String = UUID().uuidString.lowercased()) -> [UInt8] {
        var header: [String] = []
        header.append(field("From", address(email.from)))
        if !email.to.isEmpty { header.append(field("To", email.to.map(address).joined(separator: ", "))) }
        if !email.cc.isEmpty { header.append(field("Cc", email.cc.map(address).joined(separator: ", "))) }
        if let replyTo = email.replyTo { header.append(field("Reply-To", address(replyTo))) }
        header.append(field("Subject", EncodedWord.encode(email.subject)))
        header.append(field("Date", rfc5322Date(email.date)))
        header.append(field("Message-ID", "<\(email.messageID)>"))
        if let inReplyTo = email.inReplyTo { header.append(field("In-Reply-To", "<\(inReplyTo)>")) }
        if !email.references.isEmpty { header.append(field("References", email.references.map { "<\($0)>" }.joined(separator: " "))) }
        header.append(field("MIME-Version", "1.0"))
        for extra in email.extraHeaders { header.append(field(extra.name, extra.value)) }
        let alternative = "alt-\(boundary)"
        var body = ""
        let alternativePart = "--\(alternative)\r\n"
            + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + quotedPrintable(email.text) + "\r\n"
            + "--\(alternative)\r\n"
            + "Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
            + quotedPrintable(email.html) + "\r\n"
            + "--\(alternative)--\r\n"
        if email.attachments.isEmpty {
            header.append(field("Content-Type", "multipart/alternative; boundary=\"\(alternative)\""))
            body = alternativePart
        } else {
            let mixed = "mix-\(boundary)"
            header.append(field("Content-Type", "multipart/mixed; boundary=\"\(mixed)\""))
            body = "--\(mixed)\r\nContent-Type: multipart/alternative; boundary=\"\(alternative)\"\r\n\r\n" + alternativePart
            for attachment in email.attachments {
                body += "--\(mixed)\r\n" + attachmentHeader(attachment) + "\r\n" + base64Lines(attachment.data)
            }
            body += "--\(mixed)--\r\n"
        }
        return Array((header.joined() + "\r\n" + body).utf8)
    }

    static func attachmentHeader(_ attachment: EmailAttachment) -> String {
        let name = attachment.filename.map { parameter("name", $0) } ?? ""
        var out = field("Content-Type", attachment.contentType + name)
        out += field("Content-Transfer-Encoding", "base64")
        let disposition = attachment.isInline ? "inline" : "attachment"
        out += field("Content-Disposition", disposition + (attachment.filename.map { parameter("filename", $0) } ?? ""))
        if let id = attachment.contentID { out += field("Content-ID", "<\(id)>") }
        return out
    }

    /// `; name="value"`, or RFC 2231 `; name*=utf-8''…` for non-ASCII or quote-breaking values.
    static func parameter(_ name: String, _ value: String) -> String {
        let plain = value.unicodeScalars.allSatisfy { $0.isASCII && $0.value >= 32 && $0 != "\"" && $0 != "\\" }
        if plain { return "; \(name)=\"\(value)\"" }
        var encoded = ""
        for byte in value.utf8 {
            let safe = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5a) || (byte >= 0x61 && byte <= 0x7a)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
            encoded += safe ? String(UnicodeScalar(byte)) : String(format: "%%%02X", byte)
        }
        return "; \(name)*=utf-8''\(encoded)"
    }

    /// `Name <address>` with the name quoted or encoded as needed.
    public static func address(_ address: EmailAddress) -> String {
        guard let name = address.name?.trimmingCharacters(in: .whitespaces), !name.isEmpty else { return "<\(address.address)>" }
        if !name.unicodeScalars.allSatisfy(\.isASCII) { return "\(EncodedWord.encode(name)) <\(address.address)>" }
        let escaped = name.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
        return "\"\(escaped)\" <\(address.address)>"
    }

    /// `Name: value` folded at spaces into lines of at most 78 characters where possible, with CRLF. Line breaks in
    /// `value` are removed (no header injection).
    static func field(_ name: String, _ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        var lines: [String] = []
        var current = name + ":"
        for word in clean.split(separator: " ", omittingEmptySubsequences: true) {
            if current.count + 1 + word.count > 78 && current.count > name.count + 1 {
                lines.append(current)
                current = ""
            }
            current += " " + word
        }
        lines.append(current)
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5322 date-time in UTC.
    public static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }

    /// Quoted-printable (RFC 2045 §6.7) of `text` as UTF-8 with CRLF line breaks and soft breaks at 76 characters.
    public static func quotedPrintable(_ text: String) -> String {
        var out = ""
        let lines = text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        for (lineIndex, line) in lines.enumerated() {
            var current = ""
            let bytes = Array(line.utf8)
            for (index, byte) in bytes.enumerated() {
                let last = index == bytes.count - 1
                let literal = (byte >= 33 && byte <= 126 && byte != UInt8(ascii: "=")) || (byte == 32 && !last)
                    || (byte == 9 && !last)
                // A line starting with "." or "From " is encoded too, so relays that mangle those cannot.
                let risky = current.isEmpty && (byte == UInt8(ascii: ".") || (byte == UInt8(ascii: "F") && line.hasPrefix("From ")))
                let piece = literal && !risky ? String(UnicodeScalar(byte)) : String(format: "=%02X", byte)
                if current.count + piece.count > 75 {
                    out += current + "=\r\n"
                    current = ""
                }
                current += piece
            }
            out += current
            if lineIndex < lines.count - 1 { out += "\r\n" }
        }
        return out
    }

    static func base64Lines(_ data: [UInt8]) -> String {
        let encoded = Data(data).base64EncodedString()
        var out = ""
        var index = encoded.startIndex
        while index < encoded.endIndex {
            let end = encoded.index(index, offsetBy: 76, limitedBy: encoded.endIndex) ?? encoded.endIndex
            out += encoded[index..<end] + "\r\n"
            index = end
        }
        return out
    }
}
