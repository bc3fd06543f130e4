/// A tenant's white-label look: name, logo and colours, applied as CSS variables on every page.
public struct Branding: Sendable, Equatable, Codable {
    /// The name shown in headers and titles.
    public var displayName: String
    /// The logo as a `data:` URI (from a file next to the tenant definition) or an `https://` URL; `nil` for none.
    public var logoURL: String?
    /// The main colour (buttons, links), `#rrggbb`.
    public var primaryColor: String
    /// The highlight colour, `#rrggbb`.
    public var accentColor: String
    /// The page background, `#rrggbb`.
    public var backgroundColor: String
    /// The body text colour, `#rrggbb`.
    public var textColor: String

    enum CodingKeys: String, CodingKey {
        case displayName = "display_name"
        case logoURL = "logo_url"
        case primaryColor = "primary_color"
        case accentColor = "accent_color"
        case backgroundColor = "background_color"
        case textColor = "text_color"
    }

    /// Creates branding; the colours default to Glavito's own.
    public init(
        displayName: String, logoURL: String? = nil, primaryColor: String = "#2563eb", accentColor: String = "#f59e0b",
        backgroundColor: String = "#f8fafc", textColor: String = "#0f172a"
    ) {
        self.displayName = displayName
        self.logoURL = logoURL
        self.primaryColor = primaryColor
        self.accentColor = accentColor
        self.backgroundColor = backgroundColor
        self.textColor = textColor
    }

    /// Whether `value` is a `#rrggbb` colour.
    public static func isColor(_ value: String) -> Bool {
        let utf8 = Array(value.utf8)
        guard utf8.count == 7, utf8[0] == UInt8(ascii: "#") else { return false }
        return utf8.dropFirst().allSatisfy { byte in
            (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "f")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "F")).contains(byte)
        }
    }
}
