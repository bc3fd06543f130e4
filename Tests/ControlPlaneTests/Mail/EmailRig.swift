import Foundation
import GlavitoCore
import GlavitoTestSupport
import Logging
import PostgresNIO
import Testing
@testable import ControlPlane

/// A ``ChannelRig`` plus our SMTP listener in-process on a free port, a real SMTP server (aiosmtpd,
/// Tests/fakes/smtp_sink.py) that receives what the worker sends, and helpers for email channels.
struct EmailRig: Sendable {
    let rig: ChannelRig
    let smtpPort: Int
    let sinkPort: Int
    let sinkDirectory: URL

    /// An email channel of a tenant.
    struct Mailbox: Sendable {
        let channel: ChannelRig.Channel
        let address: String
        let domain: String
    }

    static func with(senderLimit: Int = 1000, tls: (certificate: String, key: String)? = nil, sinkArguments: [String] = [],
                     _ body: @Sendable (EmailRig) async throws -> Void) async throws {
        try await ChannelRig.with { rig in
            let sinkDirectory = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-sink-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: sinkDirectory) }
            let sink = try ManagedProcess(executable: try PythonPeer.python(),
                                          arguments: [try TestEnvironment.repoRoot().appendingPathComponent("Tests/fakes/smtp_sink.py").path,
                                                      sinkDirectory.path] + sinkArguments,
                                          environment: ProcessInfo.processInfo.environment)
            defer { sink.send(SIGTERM) }
            guard try await sink.waitForOutput(containing: "\"port\"", timeout: .seconds(30)),
                  let line = sink.output.split(separator: "\n").first(where: { $0.contains("\"port\"") }),
                  let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let sinkPort = object["port"] as? Int else {
                throw ChannelRig.RigError(message: "the SMTP sink did not start: \(sink.output)")
            }
            var settings = MailSettings()
            settings.port = try ManagedProcess.freePort()
            settings.hostname = "mx.glavito.test"
            settings.senderPerMinute = senderLimit
            settings.tlsCertificatePath = tls?.certificate
            settings.tlsKeyPath = tls?.key
            let server = try SMTPServer(settings: settings, database: rig.dbs.app, keyRing: rig.identity.keyRing,
                                        storage: LocalAttachmentStorage(root: rig.attachments), logger: Logger(label: "test.smtp"))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await server.run() }
                try await Self.waitForListener(port: settings.port)
                try await body(EmailRig(rig: rig, smtpPort: settings.port, sinkPort: sinkPort, sinkDirectory: sinkDirectory))
                group.cancelAll()
            }
        }
    }

    static func waitForListener(port: Int) async throws {
        for _ in 0..<100 {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = in_port_t(UInt16(port).bigEndian)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            close(fd)
            if result == 0 { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ChannelRig.RigError(message: "the SMTP listener did not start on \(port)")
    }

    /// A new tenant with an email channel whose relay is the sink.
    func mailbox(autoAcknowledge: Bool = true, extra: [String: String] = [:], secrets: ChannelSecrets = ChannelSecrets()) async throws -> Mailbox {
        let (tenant, slug) = try await rig.dbs.makeTenant(prefix: "em")
        let domain = "\(slug).mail.test"
        let address = "support@\(domain)"
        let settings = ["address": address, "auto_acknowledge": autoAcknowledge ? "true" : "false", "smtp_host": "127.0.0.1",
                        "smtp_port": String(sinkPort), "smtp_security": "none"].merging(extra) { _, new in new }
        let account = try await rig.db(tenant) { connection in
            try await ChannelAccountStore(tenant: tenant, keyRing: rig.identity.keyRing).create(
                kind: .email, name: "Support", externalID: nil, settings: settings, secrets: secrets, on: connection, logger: TestDatabases.logger)
        }
        return Mailbox(channel: ChannelRig.Channel(tenant: tenant, host: "\(slug).glavito.test", account: account, secrets: secrets),
                       address: address, domain: domain)
    }

    /// Sends `message` (RFC 5322 text with LF or CRLF line ends) to `recipient` through our listener with our own
    /// SMTP client; returns the final reply.
    @discardableResult
    func deliver(_ message: String, to recipient: String, from sender: String = "customer@example.org") async throws -> SMTPReply {
        let bytes = Array(message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\n", with: "\r\n").utf8)
        let client = SMTPClient(relay: SMTPRelay(host: "127.0.0.1", port: smtpPort, security: .none, heloName: "client.example.org"))
        return try await client.send(bytes, from: sender, to: [recipient]).reply
    }

    /// The files the sink received so far (`.eml`), oldest first.
    func sunk() -> [URL] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: sinkDirectory.path)) ?? []
        return names.filter { $0.hasSuffix(".eml") }.sorted().map { sinkDirectory.appendingPathComponent($0) }
    }

    /// Python's reading of a received email (Tests/e2e/mail_inspect.py), with a DKIM check against `record`.
    func inspect(_ file: URL, record: String? = nil) async throws -> [String: Any] {
        let script = try TestEnvironment.repoRoot().appendingPathComponent("Tests/e2e/mail_inspect.py").path
        let (status, output) = try await ManagedProcess.run(executable: try PythonPeer.python(), arguments: [script, file.path] + (record.map { [$0] } ?? []),
                                                            environment: ProcessInfo.processInfo.environment)
        guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("{") }),
              let json = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any] else {
            throw ChannelRig.RigError(message: "mail_inspect.py failed: \(output)")
        }
        return json
    }

    /// A value from one row of `sql` in the mailbox's tenant.
    func value<T: PostgresDecodable & Sendable>(_ mailbox: Mailbox, _ type: T.Type, _ sql: PostgresQuery) async throws -> T? {
        try await rig.db(mailbox.channel.tenant) { connection in
            let rows = try await connection.query(sql, logger: TestDatabases.logger)
            for try await value in rows.decode(T.self) { return value }
            return nil
        }
    }
}
