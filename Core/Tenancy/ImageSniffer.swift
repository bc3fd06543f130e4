import Foundation

/// Recognises image formats by their first bytes rather than trusting a file name.
public enum ImageSniffer {
    /// The MIME type of `data` when it is an SVG, PNG, JPEG or WebP image, else `nil`.
    public static func contentType(of data: Data) -> String? {
        let bytes = [UInt8](data.prefix(512))
        if bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return "image/png" }
        if bytes.starts(with: [0xFF, 0xD8, 0xFF]) { return "image/jpeg" }
        if bytes.count >= 12, bytes.starts(with: Array("RIFF".utf8)), Array(bytes[8..<12]) == Array("WEBP".utf8) {
            return "image/webp"
        }
        let head = String(decoding: bytes, as: UTF8.self).trimmingWhitespace().lowercased()
        if head.hasPrefix("<svg") || (head.hasPrefix("<?xml") && head.contains("<svg")) { return "image/svg+xml" }
        return nil
    }
}
