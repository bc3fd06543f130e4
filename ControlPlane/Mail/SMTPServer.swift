import Foundation
import GlavitoCore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import ServiceLifecycle

/// The SMTP listener (RFC 5321) that a tenant's MX or a relay delivers to: one ``SMTPSession`` per connection, each
/// message committed (by ``EmailIngestor``) before it is accepted with 250. Runs as a service of `glavito serve`
/// when `GLAVITO_SMTP_PORT` is not 0; ends on graceful shutdown (open sessions are cancelled, so a message that was
/// not yet committed is never acknowledged and the sender tries again).
final class SMTPServer: Service, Sendable {
    let settings: MailSettings
    let database: Database
    let keyRing: TenantKeyRing
    let storage: any AttachmentStorage
    let logger: Logger
    let limiter: SMTPSenderLimiter
    let tls: NIOSSLContext?

    init(settings: MailSettings, database: Database, keyRing: TenantKeyRing, storage: any AttachmentStorage, logger: Logger) throws {
        self.settings = settings
        self.database = database
        self.keyRing = keyRing
        self.storage = storage
        self.logger = logger
        limiter = SMTPSenderLimiter(perMinute: settings.senderPerMinute)
        if let certificate = settings.tlsCertificatePath, let key = settings.tlsKeyPath {
            let chain = try NIOSSLCertificate.fromPEMFile(certificate).map { NIOSSLCertificateSource.certificate($0) }
            let configuration = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .file(key))
            tls = try NIOSSLContext(configuration: configuration)
        } else {
            tls = nil
        }
    }

    func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: settings.host, port: settings.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(IdleStateHandler(readTimeout: .minutes(5)))
                    try channel.pipeline.syncOperations.addHandler(SMTPIdleCloser())
                    try channel.pipeline.syncOperations.addHandler(
                        ByteToMessageHandler(SMTPLineDecoder(maximumLength: 64 * 1024, dropAfterStartTLS: true)))
                    return try NIOAsyncChannel<[UInt8], ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        logger.info("SMTP listener started", metadata: ["glavito.address": "\(settings.host):\(server.channel.localAddress?.port ?? settings.port)"])
        let open = SMTPConnectionCount()
        try await withGracefulShutdownHandler {
            try await withThrowingDiscardingTaskGroup { group in
                try await server.executeThenClose { connections in
                    for try await connection in connections {
                        guard open.enter(limit: settings.maxConnections) else {
                            group.addTask {
                                try? await connection.executeThenClose { _, outbound in
                                    try await outbound.write(ByteBuffer(string: "421 4.7.0 \(self.settings.hostname) too many connections, try later\r\n"))
                                }
                            }
                            continue
                        }
                        group.addTask {
                            defer { open.leave() }
                            await cancelWhenGracefulShutdown {
                                await SMTPSession(server: self, connection: connection).run()
                            }
                        }
                    }
                }
            }
        } onGracefulShutdown: {
            server.channel.close(promise: nil)
        }
        logger.info("SMTP listener stopped")
    }
}

/// Closes a connection that sent nothing for the idle period.
final class SMTPIdleCloser: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if event is IdleStateHandler.IdleStateEvent {
            context.writeAndFlush(NIOAny(ByteBuffer(string: "421 4.4.2 idle for too long, closing\r\n")), promise: nil)
            context.close(promise: nil)
        } else {
            context.fireUserInboundEventTriggered(event)
        }
    }
}
