import Foundation
import GlavitoCore

/// Builds test messages: header lines and a body joined with CRLF.
enum MIMEFixtures {
    /// `lines` joined with CRLF, as bytes.
    static func message(_ lines: [String]) -> [UInt8] {
        Array(lines.joined(separator: "\r\n").utf8)
    }

    /// A message whose text/plain body is `body` in `charset` (8bit).
    static func textMessage(charset: String, body: [UInt8]) -> [UInt8] {
        message([
            "From: a@example.com", "Subject: charset \(charset)", "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=\(charset)", "Content-Transfer-Encoding: 8bit", "", "",
        ]) + body
    }

    /// Parses `lines`.
    static func parse(_ lines: [String]) -> ParsedEmail {
        MIMEParser.parse(message(lines))
    }
}
