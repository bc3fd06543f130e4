/// Rules for tenant slugs, mirrored by the `tenants_slug_format` check constraint.
public enum TenantSlug {
    /// Whether `slug` is 1 to 63 lowercase letters, digits and inner hyphens: a valid DNS label.
    public static func isValid(_ slug: String) -> Bool {
        let bytes = Array(slug.utf8)
        guard (1...63).contains(bytes.count) else { return false }
        func allowed(_ byte: UInt8) -> Bool {
            (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
        }
        guard allowed(bytes[0]), allowed(bytes[bytes.count - 1]) else { return false }
        return bytes.allSatisfy { allowed($0) || $0 == UInt8(ascii: "-") }
    }
}
