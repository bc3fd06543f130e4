/// What a walk over a message's parts gathers: the body texts, attachments, forwarded messages and a bounce report.
struct BodyCollector {
    var plain: String?
    var html: String?
    var attachments: [EmailAttachment] = []
    var forwarded: [ParsedEmail] = []
    var deliveryReport: DeliveryReport?
    var warnings: [String] = []

    /// Adds a text body part: the first plain part is the plain body (later ones are kept as inline attachments, as
    /// Python's `get_body` and most clients read them); HTML parts continue the HTML body (Apple Mail splits an HTML
    /// body around inline images).
    mutating func addText(_ text: String, isHTML: Bool) {
        if isHTML {
            html = html.map { $0 + text } ?? text
        } else if plain == nil {
            plain = text
        } else {
            attachments.append(EmailAttachment(filename: nil, contentType: "text/plain", contentID: nil, isInline: true,
                                               data: Array(text.utf8)))
        }
    }

    /// Takes everything from a collector of an alternative's branch, except bodies the chosen branches already gave.
    mutating func merge(_ other: BodyCollector, plain takePlain: Bool, html takeHTML: Bool) {
        if takePlain, let text = other.plain { addText(text, isHTML: false) }
        if takeHTML, let text = other.html { addText(text, isHTML: true) }
        attachments += other.attachments
        forwarded += other.forwarded
        if deliveryReport == nil { deliveryReport = other.deliveryReport }
        warnings += other.warnings
    }
}
