import Foundation

/// One mailbox: an optional display name and the address (domain lower-cased, local part as written).
public struct EmailAddress: Sendable, Hashable, Codable {
    /// The display name, RFC 2047 decoded, or nil when there is none.
    public var name: String?
    /// `local@domain`, the domain lower-cased.
    public var address: String

    /// A mailbox; the domain of `address` is lower-cased.
    public init(name: String?, address: String) {
        self.name = name
        if let at = address.lastIndex(of: "@") {
            self.address = String(address[..<at]) + "@" + address[address.index(after: at)...].lowercased()
        } else {
            self.address = address
        }
    }
}
