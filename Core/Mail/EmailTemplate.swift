import Foundation

/// The tenant's branded email layout: a header with the logo (or name) in the primary colour, the message, and a
/// footer; inline styles only, as mail clients drop style sheets. A `data:` logo travels as an inline image
/// (`cid:logo`), since many clients block `data:` URIs.
public enum EmailTemplate {
    /// The logo's Content-ID when it is sent inline.
    public static let logoContentID = "logo@glavito"

    /// The HTML document around `bodyHTML` (already safe HTML), and the inline logo part when there is one.
    public static func html(_ bodyHTML: String, branding: Branding, footer: String) -> (String, EmailAttachment?) {
        var logo: EmailAttachment?
        var header = HTMLText.escape(branding.displayName)
        if let url = branding.logoURL {
            if url.hasPrefix("data:"), let part = inlineLogo(url) {
                logo = part
                header = "<img src=\"cid:\(logoContentID)\" alt=\"\(HTMLText.escape(branding.displayName))\" height=\"36\" style=\"height:36px;border:0\">"
            } else if url.hasPrefix("https://") {
                header = "<img src=\"\(HTMLText.escape(url))\" alt=\"\(HTMLText.escape(branding.displayName))\" height=\"36\" style=\"height:36px;border:0\">"
            }
        }
        let primary = Branding.isColor(branding.primaryColor) ? branding.primaryColor : "#2563eb"
        let text = Branding.isColor(branding.textColor) ? branding.textColor : "#0f172a"
        let document = """
            <!DOCTYPE html>
            <html><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>
            <body style="margin:0;padding:0;background:#ffffff;color:\(text);font-family:-apple-system,'Segoe UI',Roboto,Helvetica,Arial,sans-serif;font-size:15px;line-height:1.5">
            <table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse">
            <tr><td style="background:\(primary);padding:14px 20px;color:#ffffff;font-weight:600;font-size:17px">\(header)</td></tr>
            <tr><td style="padding:20px">\(bodyHTML)</td></tr>
            <tr><td style="padding:14px 20px;border-top:1px solid #e5e7eb;color:#6b7280;font-size:12px">\(HTMLText.escape(footer))</td></tr>
            </table>
            </body></html>
            """
        return (document, logo)
    }

    /// The plain-text part: the message and the footer.
    public static func text(_ bodyText: String, footer: String) -> String {
        bodyText + "\n\n-- \n" + footer + "\n"
    }

    static func inlineLogo(_ uri: String) -> EmailAttachment? {
        guard let comma = uri.firstIndex(of: ",") else { return nil }
        let meta = uri[uri.index(uri.startIndex, offsetBy: 5)..<comma]
        guard meta.hasSuffix(";base64"), let data = Data(base64Encoded: String(uri[uri.index(after: comma)...])) else { return nil }
        let type = String(meta.dropLast(7))
        guard ["image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp"].contains(type) else { return nil }
        let ext = type == "image/svg+xml" ? "svg" : String(type.dropFirst(6))
        return EmailAttachment(filename: "logo.\(ext)", contentType: type, contentID: logoContentID, isInline: true, data: Array(data))
    }
}
