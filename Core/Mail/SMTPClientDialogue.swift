import Foundation
import NIOCore
import NIOSSL

/// One conversation of ``SMTPClient`` with a relay, command by command.
struct SMTPClientDialogue {
    let relay: SMTPRelay
    var inbound: NIOAsyncChannelInboundStream<[UInt8]>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>
    let channel: any Channel
    let tls: NIOSSLContext?
    var extensions: [String] = []

    init(relay: SMTPRelay, inbound: NIOAsyncChannelInboundStream<[UInt8]>.AsyncIterator, outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>,
         channel: any Channel, tls: NIOSSLContext?) {
        self.relay = relay
        self.inbound = inbound
        self.outbound = outbound
        self.channel = channel
        self.tls = tls
    }

    mutating func reply() async throws -> SMTPReply {
        var iterator = inbound
        defer { inbound = iterator }
        guard let reply = try await SMTPReply.read({ try await iterator.next() }) else {
            throw SMTPClientError.protocolViolation("the relay closed the connection")
        }
        return reply
    }

    mutating func command(_ line: String, stage: String, expect: Int = 250) async throws -> SMTPReply {
        try await outbound.write(ByteBuffer(string: line + "\r\n"))
        let answer = try await reply()
        guard answer.code == expect else { throw SMTPClientError.refused(stage: stage, reply: answer) }
        return answer
    }

    mutating func hello() async throws {
        let answer = try await command("EHLO \(relay.heloName)", stage: "EHLO")
        extensions = answer.lines.dropFirst().map { $0.uppercased() }
    }

    func offers(_ keyword: String) -> Bool {
        extensions.contains { $0 == keyword || $0.hasPrefix(keyword + " ") }
    }

    mutating func run(_ message: [UInt8], from sender: String, to recipients: [String],
                      beforeFinalDot: @Sendable () async throws -> Void) async throws -> SMTPClient.Receipt {
        let greeting = try await reply()
        guard greeting.code == 220 else { throw SMTPClientError.refused(stage: "the greeting", reply: greeting) }
        try await hello()
        if relay.security == .starttls || relay.security == .starttlsRequired {
            if offers("STARTTLS"), let tls {
                _ = try await command("STARTTLS", stage: "STARTTLS", expect: 220)
                let host = SMTPClient.sni(relay.host)
                let channel = channel
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: host), position: .first)
                }.get()
                try await hello()
            } else if relay.security == .starttlsRequired {
                throw SMTPClientError.refused(stage: "STARTTLS", reply: SMTPReply(code: 530, lines: ["the relay does not offer STARTTLS"]))
            }
        }
        if let username = relay.username, let password = relay.password {
            try await authenticate(username: username, password: password)
        }
        let size = offers("SIZE") ? " SIZE=\(message.count)" : ""
        let body = offers("8BITMIME") ? " BODY=8BITMIME" : ""
        _ = try await command("MAIL FROM:<\(sender)>\(size)\(body)", stage: "the sender")
        var accepted: [String] = []
        var refused: [String: SMTPReply] = [:]
        for recipient in recipients {
            try await outbound.write(ByteBuffer(string: "RCPT TO:<\(recipient)>\r\n"))
            let answer = try await reply()
            if answer.code == 250 || answer.code == 251 {
                accepted.append(recipient)
            } else if answer.isTransient {
                throw SMTPClientError.refused(stage: "recipient \(recipient)", reply: answer)
            } else {
                refused[recipient] = answer
            }
        }
        guard !accepted.isEmpty else {
            throw SMTPClientError.refused(stage: "every recipient", reply: refused.values.first ?? SMTPReply(code: 554, lines: ["no recipients"]))
        }
        _ = try await command("DATA", stage: "DATA", expect: 354)
        try await outbound.write(ByteBuffer(bytes: SMTPClient.dotStuffed(message)))
        try await beforeFinalDot()
        try await outbound.write(ByteBuffer(string: ".\r\n"))
        let final = try await reply()
        guard final.code == 250 else { throw SMTPClientError.refused(stage: "the message", reply: final) }
        try? await outbound.write(ByteBuffer(string: "QUIT\r\n"))
        return SMTPClient.Receipt(reply: final, refused: refused)
    }

    mutating func authenticate(username: String, password: String) async throws {
        let mechanisms = extensions.first { $0.hasPrefix("AUTH ") || $0.hasPrefix("AUTH=") }?.dropFirst(5).split(separator: " ") ?? []
        if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
            let token = Data(([0] + Array(username.utf8) + [0] + Array(password.utf8))).base64EncodedString()
            _ = try await command("AUTH PLAIN \(token)", stage: "AUTH PLAIN", expect: 235)
        } else {
            _ = try await command("AUTH LOGIN", stage: "AUTH LOGIN", expect: 334)
            _ = try await command(Data(username.utf8).base64EncodedString(), stage: "AUTH LOGIN user name", expect: 334)
            _ = try await command(Data(password.utf8).base64EncodedString(), stage: "AUTH LOGIN password", expect: 235)
        }
    }
}
