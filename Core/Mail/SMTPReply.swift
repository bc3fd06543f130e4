/// One SMTP reply: its three-digit code and its text lines (RFC 5321 §4.2), multi-line replies joined.
public struct SMTPReply: Sendable, Equatable, CustomStringConvertible {
    /// The reply code, 200 to 599.
    public var code: Int
    /// The text after the code on each line.
    public var lines: [String]

    /// Creates a reply.
    public init(code: Int, lines: [String]) {
        self.code = code
        self.lines = lines
    }

    /// 2xx and 3xx.
    public var isPositive: Bool { code < 400 }
    /// 4xx: try again later.
    public var isTransient: Bool { (400..<500).contains(code) }
    /// The text of all lines.
    public var text: String { lines.joined(separator: " ") }
    public var description: String { "\(code) \(text)" }

    /// Reads one reply from `next` (which yields lines), or `nil` at the end of the stream. Throws on a line that is
    /// not a reply line.
    public static func read(_ next: () async throws -> [UInt8]?) async throws -> SMTPReply? {
        var lines: [String] = []
        while let raw = try await next() {
            let line = String(decoding: raw, as: UTF8.self)
            let bytes = Array(line.utf8)
            guard bytes.count >= 3, let code = Int(String(line.prefix(3))), (200...599).contains(code) else {
                throw SMTPClientError.protocolViolation("not an SMTP reply: \(line.prefix(80))")
            }
            let more = bytes.count > 3 && bytes[3] == UInt8(ascii: "-")
            lines.append(bytes.count > 4 ? String(line.dropFirst(4)) : "")
            if !more { return SMTPReply(code: code, lines: lines) }
        }
        guard lines.isEmpty else { throw SMTPClientError.protocolViolation("the connection closed in the middle of a reply") }
        return nil
    }
}
