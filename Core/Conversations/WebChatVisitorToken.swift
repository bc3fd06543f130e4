import Foundation

/// A web chat visitor's proof of who they are, kept by the widget in `localStorage`: `<visitor id>.<mac>`.
///
/// The visitor id (`wv_` and 22 URL-safe random characters) is the visitor's ``IdentityKind/webVisitor`` identity.
/// The MAC is a keyed BLAKE2b of the channel account id and the visitor id under the tenant's blind-index key (see
/// ``FieldCipher/blindIndex(_:purpose:)``): only the server can make one, and a token of one tenant or channel
/// never verifies on another. Tokens do not expire; a visitor who clears their storage starts as a new visitor.
public struct WebChatVisitorToken: Sendable, Equatable {
    /// The visitor id.
    public let visitorID: String
    /// The token the widget stores.
    public let token: String

    static let purpose = "webchat/visitor-token"

    /// A new visitor of `channel`, signed with `cipher` (the tenant's).
    public static func issue(channel: UUID, cipher: FieldCipher) -> WebChatVisitorToken {
        let visitor = "wv_" + SecureRandom.token(byteCount: 16)
        return WebChatVisitorToken(visitorID: visitor, token: "\(visitor).\(mac(visitor, channel: channel, cipher: cipher))")
    }

    /// The token's visitor when `token` was issued for `channel` with `cipher`; `nil` for anything else.
    public static func verify(_ token: String, channel: UUID, cipher: FieldCipher) -> WebChatVisitorToken? {
        guard token.utf8.count <= 200, let dot = token.lastIndex(of: ".") else { return nil }
        let visitor = String(token[..<dot])
        let given = Array(token[token.index(after: dot)...].utf8)
        guard visitor.hasPrefix("wv_"), visitor.utf8.count <= 64,
              visitor.utf8.allSatisfy({ $0.isURLSafe }) else { return nil }
        let expected = Array(mac(visitor, channel: channel, cipher: cipher).utf8)
        guard ConstantTime.equal(given, expected) else { return nil }
        return WebChatVisitorToken(visitorID: visitor, token: token)
    }

    static func mac(_ visitor: String, channel: UUID, cipher: FieldCipher) -> String {
        cipher.blindIndex("\(channel.uuidString.lowercased())|\(visitor)", purpose: purpose)
    }
}

extension UInt8 {
    /// A base64url character.
    var isURLSafe: Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(self) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(self)
            || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(self) || self == UInt8(ascii: "-") || self == UInt8(ascii: "_")
    }
}
