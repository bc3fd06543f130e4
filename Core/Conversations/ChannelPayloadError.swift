/// Why a channel's webhook body could not be read.
public enum ChannelPayloadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The body is not a JSON object.
    case notJSON
    /// The body's `object` is not the one this parser reads (`found` is `nil` when there is none).
    case unexpectedObject(expected: String, found: String?)
    /// A field the payload cannot be understood without is missing or has the wrong type (a JSON path).
    case missingField(String)

    /// What was wrong with the body, for logs and the webhook response.
    public var description: String {
        switch self {
        case .notJSON:
            "the webhook body is not a JSON object"
        case .unexpectedObject(let expected, let found):
            "the webhook body's \"object\" is \(found.map { "\"\($0)\"" } ?? "missing"), expected \"\(expected)\""
        case .missingField(let path):
            "the webhook body has no valid \(path)"
        }
    }
}
