/// Reads a message/delivery-status part (RFC 3464): a per-message field group, then one group per recipient.
enum DeliveryStatusParser {
    /// At most this many recipient groups are read.
    static let maximumRecipients = 1_000

    /// The report with the recipients of `bytes[range]` added to `existing`.
    static func parse(_ bytes: [UInt8], range: Range<Int>, into existing: DeliveryReport?) -> DeliveryReport {
        var report = existing ?? DeliveryReport(originalMessageID: nil, recipients: [], isPermanentFailure: false)
        var index = range.lowerBound
        var groupNumber = 0
        while index < range.upperBound, report.recipients.count < maximumRecipients {
            // Skip blank lines between groups.
            while index < range.upperBound, bytes[index] == 0x0D || bytes[index] == 0x0A { index += 1 }
            guard index < range.upperBound else { break }
            let group = HeaderBlock(bytes, range: index..<range.upperBound)
            guard group.bodyStart > index else { break }
            index = group.bodyStart
            defer { groupNumber += 1 }
            let fields = group.headers
            func field(_ name: String) -> String? { PartWalker.value(fields, name) }
            if field("final-recipient") == nil && field("original-recipient") == nil && field("action") == nil {
                continue  // the per-message group (Reporting-MTA, Arrival-Date, ...)
            }
            let recipient = DeliveryReport.Recipient(
                finalRecipient: (field("final-recipient") ?? field("original-recipient")).map(withoutType),
                action: field("action").map { HeaderBlock.trimWhitespace($0).lowercased() },
                status: field("status").map { String(HeaderBlock.trimWhitespace($0).prefix { $0 != " " && $0 != "(" }) },
                diagnostic: field("diagnostic-code").map(withoutType)
            )
            report.recipients.append(recipient)
            if recipient.action == "failed" && (recipient.status?.hasPrefix("5") ?? true) {
                report.isPermanentFailure = true
            }
        }
        return report
    }

    /// The report with the returned message's Message-ID.
    static func withOriginal(_ existing: DeliveryReport?, headers: [EmailHeader]) -> DeliveryReport {
        var report = existing ?? DeliveryReport(originalMessageID: nil, recipients: [], isPermanentFailure: false)
        if report.originalMessageID == nil, let id = PartWalker.value(headers, "message-id") {
            let stripped = MessageIDs.strip(id)
            report.originalMessageID = stripped.isEmpty ? nil : stripped
        }
        return report
    }

    /// `rfc822; user@example.com` → `user@example.com`.
    static func withoutType(_ value: String) -> String {
        guard let semicolon = value.firstIndex(of: ";") else { return HeaderBlock.trimWhitespace(value) }
        return HeaderBlock.trimWhitespace(String(value[value.index(after: semicolon)...]))
    }
}
