import Foundation
import GlavitoCore
import Logging
import Metrics
import NIOCore
import NIOSSL

/// One SMTP connection: greeting, EHLO, optional STARTTLS, then any number of MAIL / RCPT / DATA transactions.
/// Recipients are checked at RCPT time (unknown addresses get 550); a message gets 250 only after every recipient's
/// copy is committed, and 451 when a commit failed (the sender tries again; copies already stored are recognised by
/// their Message-ID).
struct SMTPSession {
    let server: SMTPServer
    let connection: NIOAsyncChannel<[UInt8], ByteBuffer>

    /// The longest command line accepted (RFC 5321 §4.5.3.1.4 says 512; extensions make some longer).
    static let maximumCommandLength = 2048

    struct Transaction {
        var mailFrom: String?
        var recipients: [EmailRoutes.Recipient] = []
        var data: [UInt8] = []
        var tooLarge = false
    }

    func run() async {
        let logger = server.logger
        let remote = connection.channel.remoteAddress?.description ?? "unknown"
        do {
            try await connection.executeThenClose { inbound, outbound in
                var lines = inbound.makeAsyncIterator()
                var helo: String?
                var secure = false
                var transaction = Transaction()
                var inData = false
                func reply(_ text: String) async throws { try await outbound.write(ByteBuffer(string: text + "\r\n")) }
                try await reply("220 \(server.settings.hostname) ESMTP Glavito ready")
                while let line = try await lines.next() {
                    if inData {
                        if line == [UInt8(ascii: ".")] {
                            inData = false
                            try await reply(await finish(&transaction, remote: remote))
                            transaction = Transaction()
                            continue
                        }
                        let content = line.first == UInt8(ascii: ".") ? Array(line.dropFirst()) : line
                        if transaction.data.count + content.count + 2 > server.settings.maxMessageBytes {
                            transaction.tooLarge = true
                        } else if !transaction.tooLarge {
                            transaction.data.append(contentsOf: content)
                            transaction.data.append(contentsOf: [13, 10])
                        }
                        continue
                    }
                    guard line.count <= Self.maximumCommandLength else {
                        try await reply("500 5.5.2 line too long")
                        continue
                    }
                    let text = String(decoding: line, as: UTF8.self)
                    let verb = text.prefix { $0 != " " }.uppercased()
                    let argument = text.dropFirst(verb.count).trimmingCharacters(in: .whitespaces)
                    switch verb {
                    case "EHLO", "HELO":
                        guard !argument.isEmpty else {
                            try await reply("501 5.5.4 \(verb) needs a domain or address literal")
                            continue
                        }
                        helo = argument
                        transaction = Transaction()
                        if verb == "HELO" {
                            try await reply("250 \(server.settings.hostname)")
                        } else {
                            var extensions = ["PIPELINING", "SIZE \(server.settings.maxMessageBytes)", "8BITMIME", "SMTPUTF8", "ENHANCEDSTATUSCODES"]
                            if server.tls != nil && !secure { extensions.append("STARTTLS") }
                            let all = ["\(server.settings.hostname) greets \(argument)"] + extensions
                            try await reply(all.enumerated().map { "250\($0.offset == all.count - 1 ? " " : "-")\($0.element)" }.joined(separator: "\r\n"))
                        }
                    case "STARTTLS":
                        guard let tls = server.tls else {
                            try await reply("502 5.5.1 STARTTLS is not offered here")
                            continue
                        }
                        guard !secure else {
                            try await reply("503 5.5.1 TLS is already active")
                            continue
                        }
                        // The 220 and the TLS handler go in one event-loop turn: the client's handshake, sent as soon as
                        // it reads the 220, must meet the TLS handler, not the line decoder.
                        let channel = connection.channel
                        try await channel.eventLoop.submit {
                            channel.writeAndFlush(ByteBuffer(string: "220 2.0.0 Ready to start TLS\r\n"), promise: nil)
                            try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: tls), position: .first)
                        }.get()
                        secure = true
                        helo = nil
                        transaction = Transaction()
                    case "MAIL":
                        try await reply(mail(argument, helo: helo, transaction: &transaction))
                    case "RCPT":
                        try await reply(await recipient(argument, transaction: &transaction))
                    case "DATA":
                        if transaction.mailFrom == nil {
                            try await reply("503 5.5.1 MAIL first")
                        } else if transaction.recipients.isEmpty {
                            try await reply("554 5.5.1 no valid recipients")
                        } else {
                            inData = true
                            try await reply("354 End data with <CR><LF>.<CR><LF>")
                        }
                    case "RSET":
                        transaction = Transaction()
                        try await reply("250 2.0.0 OK")
                    case "NOOP":
                        try await reply("250 2.0.0 OK")
                    case "VRFY":
                        try await reply("252 2.1.5 Cannot verify, but will accept mail for our addresses")
                    case "HELP":
                        try await reply("214 2.0.0 Commands: EHLO HELO STARTTLS MAIL RCPT DATA RSET NOOP VRFY QUIT")
                    case "QUIT":
                        try await reply("221 2.0.0 \(server.settings.hostname) closing")
                        return
                    default:
                        try await reply("500 5.5.2 command not recognised")
                    }
                }
            }
        } catch {
            logger.debug("SMTP session ended", metadata: ["glavito.remote": "\(remote)", "glavito.error": "\(error)"])
        }
    }

    func mail(_ argument: String, helo: String?, transaction: inout Transaction) -> String {
        guard helo != nil else { return "503 5.5.1 EHLO or HELO first" }
        guard transaction.mailFrom == nil else { return "503 5.5.1 nested MAIL command" }
        guard argument.uppercased().hasPrefix("FROM:"), let (address, parameters) = Self.path(argument.dropFirst(5)) else {
            return "501 5.5.4 syntax: MAIL FROM:<address>"
        }
        for parameter in parameters {
            let parts = parameter.split(separator: "=", maxSplits: 1)
            if parts.first?.uppercased() == "SIZE", parts.count == 2, let size = Int(parts[1]), size > server.settings.maxMessageBytes {
                return "552 5.3.4 message larger than \(server.settings.maxMessageBytes) bytes"
            }
        }
        guard server.limiter.admit(address.isEmpty ? "<>" : address) else {
            return "451 4.7.1 too many messages from \(address.isEmpty ? "<>" : address); try again later"
        }
        transaction.mailFrom = address
        return "250 2.1.0 OK"
    }

    func recipient(_ argument: String, transaction: inout Transaction) async -> String {
        guard transaction.mailFrom != nil else { return "503 5.5.1 MAIL first" }
        guard argument.uppercased().hasPrefix("TO:"), let (address, _) = Self.path(argument.dropFirst(3)), !address.isEmpty else {
            return "501 5.5.4 syntax: RCPT TO:<address>"
        }
        guard transaction.recipients.count < server.settings.maxRecipients else { return "452 4.5.3 too many recipients" }
        do {
            guard let found = try await EmailRoutes.resolve(address, database: server.database) else {
                return "550 5.1.1 <\(address)>: no such mailbox here"
            }
            guard found.enabled else { return "550 5.2.1 <\(address)>: mailbox disabled" }
            transaction.recipients.append(found)
            return "250 2.1.5 OK"
        } catch {
            server.logger.error("recipient lookup failed", metadata: ["glavito.error": "\(error)"])
            return "451 4.3.0 temporary failure, try again later"
        }
    }

    /// Commits the message for every recipient; the reply to the final dot.
    func finish(_ transaction: inout Transaction, remote: String) async -> String {
        guard !transaction.tooLarge else {
            Counter(label: "glavito_smtp_messages", dimensions: [("result", "too_large")]).increment()
            return "552 5.3.4 message larger than \(server.settings.maxMessageBytes) bytes"
        }
        // Stored exactly as received (no trace header added), so the same message delivered again hashes the same.
        let raw = transaction.data
        let parsed = MIMEParser.parse(transaction.data)
        let mailFrom = transaction.mailFrom
        do {
            for recipient in transaction.recipients {
                let envelope = EmailEnvelope(source: "smtp", mailFrom: mailFrom?.isEmpty == true ? nil : mailFrom, recipient: recipient,
                                             remoteAddress: remote)
                _ = try await server.database.withTenantTransaction(recipient.tenant) { connection in
                    try await EmailIngestor(tenant: recipient.tenant, keyRing: server.keyRing, storage: server.storage)
                        .ingest(raw, parsed: parsed, envelope: envelope, on: connection, logger: server.logger)
                }
            }
            Counter(label: "glavito_smtp_messages", dimensions: [("result", "accepted")]).increment()
            return "250 2.0.0 OK: committed"
        } catch {
            Counter(label: "glavito_smtp_messages", dimensions: [("result", "deferred")]).increment()
            server.logger.error("storing an inbound email failed", metadata: ["glavito.error": "\(error)"])
            return "451 4.3.0 could not store the message, try again later"
        }
    }

    /// The address inside `<…>` (or bare) and the ESMTP parameters after it.
    static func path(_ text: Substring) -> (String, [Substring])? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasPrefix("<") {
            guard let close = trimmed.firstIndex(of: ">") else { return nil }
            var address = String(trimmed[trimmed.index(after: trimmed.startIndex)..<close])
            // A source route (`@a,@b:user@c`) is obsolete; the mailbox is what follows the colon.
            if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") { address = String(address[address.index(after: colon)...]) }
            let parameters = trimmed[trimmed.index(after: close)...].split(separator: " ")
            return (address, parameters)
        }
        let parts = trimmed.split(separator: " ")
        guard let first = parts.first else { return nil }
        return (String(first), Array(parts.dropFirst()))
    }
}
