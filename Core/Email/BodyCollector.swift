/// What a walk over a message's parts gathers: the body texts, attachments, forwarded messages and a bounce report.
struct BodyCollector {
    var plain: String?
    var html: String?
    var attachments: [EmailAttachment] = []
    var forwarded: [ParsedEmail] = []
    var deliveryReport: DeliveryReport?
    var warnings: [String] = []

    /// Adds a text body part: the first plain and the first HTML part are the body; later inline parts of the same kind
    /// without a file name continue it (Apple Mail splits a body around inline images).
    mutating func addText(_ text: String, isHTML: Bool) {
        if isHTML {
            html = html.map { $0 + text } ?? text
        } else {
            plain = plain.map { $0 + "\n" + text } ?? text
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
