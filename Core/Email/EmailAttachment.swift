import Foundation

/// A part that is not the displayed body: a file, an inline image, a signature.
public struct EmailAttachment: Sendable, Hashable {
    /// The file name (Content-Disposition filename, RFC 2231, or Content-Type name; RFC 2047 decoded).
    public var filename: String?
    /// Lower-cased `type/subtype`.
    public var contentType: String
    /// The Content-ID without the angle brackets, for `cid:` references.
    public var contentID: String?
    /// Whether the part is meant to be shown in place (Content-Disposition inline, or referenced by Content-ID).
    public var isInline: Bool
    /// The decoded content.
    public var data: [UInt8]

    /// An attachment.
    public init(filename: String?, contentType: String, contentID: String?, isInline: Bool, data: [UInt8]) {
        self.filename = filename
        self.contentType = contentType
        self.contentID = contentID
        self.isInline = isInline
        self.data = data
    }
}
