/// Phone number normalisation to E.164 (`+` followed by 8 to 15 digits, the first not `0`).
public enum PhoneNumber {
    /// The separators people and channels put into numbers; they carry no meaning and are dropped.
    static let separators: Set<Character> = [" ", ".", "-", "(", ")", "/", "\t", "\u{00A0}"]

    /// `raw` in E.164, or `nil` when it is not a phone number.
    ///
    /// Drops spaces, dots, dashes, slashes and parentheses (and a `(0)` trunk prefix written after the country code),
    /// turns a leading `00` into `+`, and reads bare digits (a WhatsApp `wa_id`) as international. Only ASCII digits
    /// count.
    public static func e164(_ raw: String) -> String? {
        var text = raw.trimmingWhitespace()
        if text.hasPrefix("+") || text.hasPrefix("00") { text = text.replacingOccurrences(of: "(0)", with: "") }
        var digits = String(text.filter { !separators.contains($0) })
        if digits.hasPrefix("+") {
            digits.removeFirst()
        } else if digits.hasPrefix("00") {
            digits.removeFirst(2)
        }
        guard (8...15).contains(digits.count), digits.allSatisfy(\.isASCIIDigit), digits.first != "0" else { return nil }
        return "+" + digits
    }
}

extension Character {
    /// `0` to `9` only (not other scripts' digits).
    var isASCIIDigit: Bool { isASCII && isNumber }
}
