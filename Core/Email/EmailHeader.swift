import Foundation

/// One header field as it appeared in the message.
public struct EmailHeader: Sendable, Hashable {
    /// The field name as written (compare case-insensitively).
    public var name: String
    /// The field body after the colon, folding kept.
    public var rawValue: String
    /// The field body unfolded, trimmed and RFC 2047 decoded.
    public var value: String

    /// A header field.
    public init(name: String, rawValue: String, value: String) {
        self.name = name
        self.rawValue = rawValue
        self.value = value
    }
}
