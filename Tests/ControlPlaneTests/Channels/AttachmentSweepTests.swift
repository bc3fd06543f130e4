import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// The daily sweep of unused attachment files, run by a real worker against the real attachment rows: a file stored
/// for a reply the channel refused goes, the accepted reply's file stays, and so do recent files and other tenants'.
@Suite("Attachment file sweep")
struct AttachmentSweepTests {
    static func age(_ url: URL, days: Double) throws {
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-days * 86_400)], ofItemAtPath: url.path)
    }

    static func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    @Test("a refused reply's file and a crash's temporary file are removed after a day; the sent reply's file, a recent file and another tenant's stay")
    func sweepRemovesOnlyUnusedFiles() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let other = try await rig.connect(.whatsapp)
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            #expect(try await rig.whatsappText("Bitte die Rechnung schicken", from: "4915112340077", to: channel).status == 200)
            let ticket = try await ChannelOutboundTests.ticketID(rig, channel, key)
            let unknown = Array("not a file any channel takes \u{0}\u{1}\(UUID())".utf8)
            let refused = try await ChannelMediaTests.reply(rig, channel, ticket: ticket, key: key,
                                                            ["type": "text", "attachments": [ChannelMediaTests.file("x.png", "image/png", unknown)]])
            #expect(refused.status == 422, "\(refused.body)")
            let sent = try await ChannelMediaTests.reply(rig, channel, ticket: ticket, key: key,
                                                         ["type": "text", "text": "Anbei", "attachments": [ChannelMediaTests.file("r.pdf", "application/pdf", ChannelMediaTests.pdf)]])
            #expect(sent.status == 202, "\(sent.body)")

            let storage = LocalAttachmentStorage(root: rig.attachments)
            func file(_ tenant: TenantID, _ bytes: [UInt8]) -> URL {
                let sha = Hashing.hex(Hashing.sha256(bytes))
                return rig.attachments.appendingPathComponent("\(tenant.rawValue.uuidString.lowercased())/\(sha.prefix(2))/\(sha)")
            }
            let orphan = file(channel.tenant, unknown)
            let recorded = file(channel.tenant, ChannelMediaTests.pdf)
            #expect(Self.exists(orphan), "the refused reply's file was stored before the refusal")
            #expect(Self.exists(recorded))
            let recentBytes = Array("stored an hour ago \(UUID())".utf8)
            _ = try await storage.store(recentBytes, sha256: Hashing.hex(Hashing.sha256(recentBytes)), tenant: channel.tenant)
            let recent = file(channel.tenant, recentBytes)
            try Self.age(recent, days: 1.0 / 24)
            let strangerBytes = Array("another tenant's unused file \(UUID())".utf8)
            _ = try await storage.store(strangerBytes, sha256: Hashing.hex(Hashing.sha256(strangerBytes)), tenant: other.tenant)
            let stranger = file(other.tenant, strangerBytes)
            let temporary = orphan.deletingLastPathComponent().appendingPathComponent(".\(orphan.lastPathComponent).\(UUID()).tmp")
            try Data("half written".utf8).write(to: temporary)
            for url in [orphan, recorded, stranger, temporary] { try Self.age(url, days: 2) }

            try await rig.db(channel.tenant) { connection in
                _ = try await JobQueue.enqueue([try NewJob(kind: "maintenance.sweep_attachment_files")], tenant: channel.tenant,
                                               on: connection, logger: TestDatabases.logger, notify: true)
            }
            let worker = try await rig.startWorker(channel.tenant)
            defer { worker.send(SIGKILL) }
            let swept = try await rig.eventually(timeout: .seconds(60)) {
                try await rig.count(channel.tenant, "SELECT count(*)::int FROM jobs WHERE kind = 'maintenance.sweep_attachment_files'") == 0
            }
            #expect(swept, "\(worker.output.suffix(1500))")
            #expect(!Self.exists(orphan), "the refused reply's file is removed")
            #expect(!Self.exists(temporary), "the crash leftover is removed")
            #expect(Self.exists(recorded), "the sent reply's file is kept")
            #expect(Self.exists(recent), "a file stored within the day is kept")
            #expect(Self.exists(stranger), "another tenant's files are not this tenant's sweep's")
            #expect(worker.output.contains("attachment files swept"), "\(worker.output.suffix(1500))")
        }
    }
}
