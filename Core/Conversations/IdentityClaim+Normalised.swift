extension IdentityClaim {
    /// The longest value a channel-scoped id (IGSID, BSUID, visitor id) may have.
    public static let maxValueLength = 256

    /// A claim with `value` normalised for `kind`, or `nil` when the value is not valid for it:
    /// - ``IdentityKind/phone``: E.164 (``PhoneNumber/e164(_:)``);
    /// - ``IdentityKind/email``: trimmed, lower-cased, shaped like `local@domain.tld`;
    /// - ``IdentityKind/whatsapp``: the digits of a valid international number, without `+`;
    /// - other kinds: trimmed, non-empty, at most ``maxValueLength`` characters.
    public static func normalised(kind: IdentityKind, value: String) -> IdentityClaim? {
        let normalisedValue: String?
        switch kind {
        case .phone:
            normalisedValue = PhoneNumber.e164(value)
        case .email:
            normalisedValue = normalisedEmail(value)
        case .whatsapp:
            normalisedValue = PhoneNumber.e164(value).map { String($0.dropFirst()) }
        case .whatsappUser, .instagram, .webVisitor:
            let trimmed = value.trimmingWhitespace()
            normalisedValue = trimmed.isEmpty || trimmed.count > maxValueLength ? nil : trimmed
        }
        return normalisedValue.map { IdentityClaim(kind: kind, value: $0) }
    }

    /// `local@domain.tld`, lower-cased: one `@`, no whitespace, a domain of non-empty dot-separated labels and a
    /// top-level label of at least two letters, digits or hyphens with a letter among them (so `xn--p1ai` passes and
    /// `123` does not); at most 254 characters.
    static func normalisedEmail(_ raw: String) -> String? {
        let email = raw.trimmingWhitespace().lowercased()
        guard email.count <= 254, !email.contains(where: \.isWhitespace) else { return nil }
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty else { return nil }
        let labels = parts[1].split(separator: ".", omittingEmptySubsequences: false)
        guard labels.count >= 2, labels.allSatisfy({ !$0.isEmpty }), let tld = labels.last,
              tld.count >= 2, tld.allSatisfy({ $0.isLetter || $0.isASCIIDigit || $0 == "-" }), tld.contains(where: \.isLetter)
        else { return nil }
        return email
    }
}
