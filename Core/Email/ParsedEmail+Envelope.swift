import Foundation

extension ParsedEmail {
    /// Fills the fields read from the header section: ids, subject, addresses, date and the auto-reply class.
    mutating func fillEnvelope() {
        messageID = header("Message-ID").map(MessageIDs.strip).flatMap { $0.isEmpty ? nil : $0 }
        inReplyTo = header("In-Reply-To").map(MessageIDs.parse) ?? []
        references = header("References").map(MessageIDs.parse) ?? []
        subject = header("Subject")
        from = addresses("From")
        sender = addresses("Sender").first
        to = addresses("To")
        cc = addresses("Cc")
        replyTo = addresses("Reply-To")
        date = header("Date").flatMap(EmailDate.parse)
        autoReply = AutoReplyClassifier.classify(self)
    }

    /// Every mailbox of every field called `name`, read from the unfolded raw value (RFC 2047 decoded per name).
    private func addresses(_ name: String) -> [EmailAddress] {
        headers.filter { HeaderBlock.sameName($0.name, name) }
            .flatMap { MIMEParser.parseAddressList(HeaderBlock.unfold(ArraySlice($0.rawValue.utf8))) }
    }
}
