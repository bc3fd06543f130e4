import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// Hands one message to an SMTP relay (RFC 5321): EHLO, STARTTLS (RFC 3207) when configured, AUTH PLAIN or LOGIN
/// (RFC 4954), MAIL FROM, RCPT TO for every recipient, DATA with dot-stuffing. `beforeFinalDot` runs after the relay
/// accepted the recipients and the data transfer started, right before the terminating `.`: the one moment after
/// which the relay may have taken the message without us learning it (the caller records that moment so a crash
/// there never leads to a second copy).
public struct SMTPClient: Sendable {
    /// The relay.
    public let relay: SMTPRelay

    /// Creates a client for `relay`.
    public init(relay: SMTPRelay) {
        self.relay = relay
    }

    /// What the relay said about a delivery it took.
    public struct Receipt: Sendable, Equatable {
        /// The final reply (250, often with the relay's queue id).
        public var reply: SMTPReply
        /// Recipients the relay refused for good while taking the others.
        public var refused: [String: SMTPReply]
    }

    /// Sends `message` (CRLF line endings) from `sender` (the envelope sender, for bounces) to `recipients`.
    public func send(_ message: [UInt8], from sender: String, to recipients: [String],
                     beforeFinalDot: @escaping @Sendable () async throws -> Void = {}) async throws -> Receipt {
        let relay = relay
        let tls = try relay.security == .none ? nil : NIOSSLContext(configuration: Self.tlsConfiguration(relay))
        let channel: NIOAsyncChannel<[UInt8], ByteBuffer>
        do {
            channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
                .connectTimeout(.seconds(15))
                .connect(host: relay.host, port: relay.port) { channel in
                    channel.eventLoop.makeCompletedFuture {
                        if relay.security == .tls, let tls {
                            try channel.pipeline.syncOperations.addHandler(NIOSSLClientHandler(context: tls, serverHostname: Self.sni(relay.host)))
                        }
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                        return try NIOAsyncChannel<[UInt8], ByteBuffer>(wrappingChannelSynchronously: channel)
                    }
                }
        } catch {
            throw SMTPClientError.unreachable("\(relay.host):\(relay.port): \(error)")
        }
        return try await channel.executeThenClose { inbound, outbound in
            try await withThrowingTaskGroup(of: Receipt?.self) { group in
                group.addTask {
                    var dialogue = SMTPClientDialogue(relay: relay, inbound: inbound.makeAsyncIterator(), outbound: outbound,
                                                      channel: channel.channel, tls: tls)
                    return try await dialogue.run(message, from: sender, to: recipients, beforeFinalDot: beforeFinalDot)
                }
                group.addTask {
                    try await Task.sleep(for: relay.timeout)
                    return nil
                }
                defer { group.cancelAll() }
                guard let first = try await group.next(), let receipt = first else {
                    channel.channel.close(promise: nil)
                    throw SMTPClientError.unreachable("no answer from \(relay.host):\(relay.port) within \(relay.timeout)")
                }
                return receipt
            }
        }
    }

    static func tlsConfiguration(_ relay: SMTPRelay) -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if !relay.verifyCertificate { configuration.certificateVerification = .none }
        return configuration
    }

    /// The name sent for SNI: none for an IP address literal.
    static func sni(_ host: String) -> String? {
        host.allSatisfy({ $0.isNumber || $0 == "." || $0 == ":" }) ? nil : host
    }

    /// `message` with every line ending as CRLF, lines starting with `.` doubled, and a final CRLF.
    public static func dotStuffed(_ message: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(message.count + message.count / 64 + 8)
        var atLineStart = true
        var index = 0
        while index < message.count {
            let byte = message[index]
            if atLineStart && byte == UInt8(ascii: ".") { out.append(UInt8(ascii: ".")) }
            if byte == UInt8(ascii: "\r"), index + 1 < message.count, message[index + 1] == UInt8(ascii: "\n") {
                out.append(contentsOf: [13, 10])
                index += 2
                atLineStart = true
                continue
            }
            if byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                out.append(contentsOf: [13, 10])
                atLineStart = true
            } else {
                out.append(byte)
                atLineStart = false
            }
            index += 1
        }
        if !atLineStart { out.append(contentsOf: [13, 10]) }
        return out
    }
}
