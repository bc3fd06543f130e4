import Foundation

/// Finds a file's content type from its bytes, so a type a channel (or a customer) claims is never trusted.
public enum ContentSniffer {
    /// The sniffed type, or `nil` when the bytes match nothing known. Most types show in the first bytes; legacy
    /// Office files (``CompoundFileSniffer``) need the whole file, so pass all of it.
    public static func contentType(of bytes: [UInt8]) -> String? {
        if let image = ImageSniffer.contentType(of: Data(bytes.prefix(64))) { return image }
        func starts(_ prefix: [UInt8], at offset: Int = 0) -> Bool {
            bytes.count >= offset + prefix.count && Array(bytes[offset..<(offset + prefix.count)]) == prefix
        }
        if starts(Array("%PDF-".utf8)) { return "application/pdf" }
        if starts(Array("OggS".utf8)) { return "audio/ogg" }
        if starts(Array("#!AMR".utf8)) { return "audio/amr" }
        if starts(Array("ID3".utf8)) || starts([0xFF, 0xFB]) || starts([0xFF, 0xF3]) { return "audio/mpeg" }
        if starts(Array("ftyp".utf8), at: 4) {
            let brand = bytes.count >= 12 ? String(decoding: bytes[8..<12], as: UTF8.self) : ""
            if brand.hasPrefix("M4A") { return "audio/mp4" }
            if brand.hasPrefix("3gp") { return "video/3gpp" }
            return "video/mp4"
        }
        if starts(Array("RIFF".utf8)) && starts(Array("WAVE".utf8), at: 8) { return "audio/wav" }
        if starts([0x1A, 0x45, 0xDF, 0xA3]) { return "video/webm" }
        if starts([0x50, 0x4B, 0x03, 0x04]) { return "application/zip" }
        if let office = CompoundFileSniffer.contentType(of: bytes) { return office }
        if !bytes.isEmpty, bytes.prefix(512).allSatisfy({ $0 == 9 || $0 == 10 || $0 == 13 || ($0 >= 32 && $0 != 127) || $0 >= 128 }),
           String(validating: bytes.prefix(512), as: UTF8.self) != nil {
            return "text/plain"
        }
        return nil
    }

    /// The type to store: the sniffed one; for a zip container (Office documents) or when nothing matched, the
    /// claimed type if it is of the same family, else `application/octet-stream`.
    public static func resolve(sniffed: String?, claimed: String?) -> String {
        let claimed = claimed?.split(separator: ";").first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        switch sniffed {
        case "application/zip"?:
            if let claimed, claimed.hasPrefix("application/vnd.openxmlformats") || claimed.hasPrefix("application/vnd.oasis") { return claimed }
            return "application/zip"
        case let type?:
            return type
        case nil:
            return "application/octet-stream"
        }
    }
}
