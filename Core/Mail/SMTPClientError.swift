/// Why an SMTP delivery did not go through.
public enum SMTPClientError: Error, Sendable, CustomStringConvertible {
    /// The server answered with a refusal (4xx: try later; 5xx: permanent) at `stage`.
    case refused(stage: String, reply: SMTPReply)
    /// The server broke the protocol or closed the connection.
    case protocolViolation(String)
    /// No connection, or no answer in time.
    case unreachable(String)

    /// Whether trying again later may succeed.
    public var isTransient: Bool {
        switch self {
        case .refused(_, let reply): reply.isTransient
        case .protocolViolation, .unreachable: true
        }
    }

    public var description: String {
        switch self {
        case .refused(let stage, let reply): "the relay refused \(stage): \(reply)"
        case .protocolViolation(let text): "SMTP protocol error: \(text)"
        case .unreachable(let text): "SMTP relay unreachable: \(text)"
        }
    }
}
