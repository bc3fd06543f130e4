import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Decodes bytes in a MIME charset to a String: UTF-8, US-ASCII and Latin-1 directly, everything else through iconv.
/// An unknown charset decodes as UTF-8 with replacement characters and says so in `warning`.
enum CharsetDecoder {
    /// The decoded text and, when the charset was unknown or the bytes broken, a warning.
    struct Result {
        var text: String
        var warning: String?
    }

    /// Decodes `bytes` as `charset` (nil: US-ASCII, read as UTF-8 with a Latin-1 fallback).
    static func decode<C: Collection>(_ bytes: C, charset: String?) -> Result where C.Element == UInt8 {
        let name = normalise(charset ?? "us-ascii")
        switch name {
        case "utf-8", "us-ascii", "ascii", "":
            return Result(text: utf8OrLatin1(bytes))
        case "iso-8859-1", "latin1", "latin-1", "l1":
            return Result(text: latin1(bytes))
        default:
            if let text = iconvDecode(Array(bytes), from: iconvName(name)) {
                return Result(text: text)
            }
            return Result(text: String(decoding: bytes, as: UTF8.self),
                          warning: "unknown charset \"\(charset ?? "")\": decoded as UTF-8 with replacement characters")
        }
    }

    /// UTF-8 when the bytes are valid UTF-8, otherwise Latin-1 (every byte one character), so nothing is lost.
    static func utf8OrLatin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        if let text = String(validating: bytes, as: UTF8.self) { return text }
        return latin1(bytes)
    }

    /// Every byte as the Unicode scalar of the same value.
    static func latin1<C: Collection>(_ bytes: C) -> String where C.Element == UInt8 {
        var scalars = String.UnicodeScalarView()
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    /// Lower-cased, trimmed, quotes and a trailing RFC 2231 language removed.
    static func normalise(_ charset: String) -> String {
        var name = charset.trimmingCharacters(in: .whitespacesAndNewlines.union(CharacterSet(charactersIn: "\"'"))).lowercased()
        if let star = name.firstIndex(of: "*") { name = String(name[..<star]) }
        if name == "utf8" || name == "unicode-1-1-utf-8" || name == "x-unicode20utf8" { return "utf-8" }
        if name == "iso8859-1" || name == "iso_8859-1" || name == "latin-1" { return "iso-8859-1" }
        return name
    }

    /// The iconv name for a MIME charset; some labels name a smaller charset than mail actually carries.
    static func iconvName(_ name: String) -> String {
        switch name {
        case "gb2312", "x-gbk", "cp936", "euc-cn": return "GBK"
        case "ks_c_5601-1987", "ks_c_5601", "korean", "euc-kr": return "CP949"
        case "big5", "x-big5", "big-5": return "BIG5-HKSCS"
        case "shift_jis", "x-sjis", "sjis", "shift-jis", "ms_kanji": return "CP932"
        case "windows-874": return "CP874"
        case "iso-2022-jp": return "ISO-2022-JP-3"
        default:
            if name.hasPrefix("x-mac-") { return "MAC" }
            return name.uppercased()
        }
    }

    /// Converts with iconv to UTF-8; invalid sequences become U+FFFD. Nil when iconv does not know the charset.
    static func iconvDecode(_ input: [UInt8], from charset: String) -> String? {
        let handle = iconv_open("UTF-8", charset)
        guard let handle, handle != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(handle) }
        if input.isEmpty { return "" }
        var output = [UInt8]()
        output.reserveCapacity(input.count * 2)
        var chunk = [UInt8](repeating: 0, count: 16_384)
        var source = input
        source.withUnsafeMutableBufferPointer { sourceBuffer in
            chunk.withUnsafeMutableBufferPointer { chunkBuffer in
                guard let sourceBase = sourceBuffer.baseAddress, let chunkBase = chunkBuffer.baseAddress else { return }
                var inPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(sourceBase).assumingMemoryBound(to: CChar.self)
                var inLeft = sourceBuffer.count
                var flushed = false
                while !flushed {
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(chunkBase).assumingMemoryBound(to: CChar.self)
                    var outLeft = chunkBuffer.count
                    let result: Int
                    if inLeft > 0 {
                        result = iconv(handle, &inPointer, &inLeft, &outPointer, &outLeft)
                    } else {
                        result = iconv(handle, nil, nil, &outPointer, &outLeft)
                        flushed = true
                    }
                    output.append(contentsOf: chunkBuffer[0..<(chunkBuffer.count - outLeft)])
                    if result == -1 {
                        let error = errno
                        if error == E2BIG { flushed = false; continue }
                        // EILSEQ or EINVAL (truncated at the end): one replacement character, skip one byte.
                        output.append(contentsOf: [0xEF, 0xBF, 0xBD])
                        if inLeft > 0 {
                            inPointer = inPointer.map { $0 + 1 }
                            inLeft -= 1
                            flushed = false
                        } else {
                            flushed = true
                        }
                    }
                }
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
