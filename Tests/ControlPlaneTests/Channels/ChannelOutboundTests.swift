import AsyncHTTPClient
import Foundation
import NIOCore
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// Replies through a real worker process to the fake Graph API: the 24-hour window, templates, delivery states,
/// media downloads with transient failures, and a worker killed mid-request.
@Suite("Channel delivery")
struct ChannelOutboundTests {
    static func temporaryDirectory() throws -> URL {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-att-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    static func ticketID(_ rig: ChannelRig, _ channel: ChannelRig.Channel, _ key: [(String, String)]) async throws -> String {
        let list = try await rig.api(.GET, "/api/v1/tickets", channel, headers: key)
        #expect(list.status == 200, "\(list.body)")
        return try #require((list.json["tickets"] as? [[String: Any]])?.first?["id"] as? String)
    }

    static func status(_ rig: ChannelRig, _ channel: ChannelRig.Channel, message: String) async throws -> String? {
        let rows = try await rig.db(channel.tenant) { connection in
            let rows = try await connection.query("SELECT delivery_status FROM messages WHERE id = \(UUID(uuidString: message))",
                                                  logger: TestDatabases.logger)
            for try await status in rows.decode(String?.self) { return status }
            return nil
        }
        return rows
    }

    @Test("a reply inside the window goes out and reaches read; outside it free text is refused with a problem and a template goes instead")
    func windowAndTemplates() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let worker = try await rig.startWorker(channel.tenant, attachments: try Self.temporaryDirectory())
            defer { worker.send(SIGKILL) }
            let key = try await rig.key([.ticketsRead, .ticketsReply, .adminChannels, .contactsRead], channel)
            #expect(try await rig.whatsappText("Hallo, wo ist meine Bestellung?", from: "4915112345678", to: channel).status == 200)
            let ticket = try await Self.ticketID(rig, channel, key)

            let reply = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key,
                                          json: #"{"type":"text","text":"**Danke!** Wir schauen _sofort_ nach: https://example.com/track"}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let messageID = try #require(reply.json["id"] as? String)
            let reachedRead = try await rig.eventually { try await Self.status(rig, channel, message: messageID) == "read" }
            let finalStatus = try await Self.status(rig, channel, message: messageID)
            #expect(reachedRead, "status: \(finalStatus ?? "none") \(worker.output.suffix(1500))")
            let sent = try await rig.sent()
            #expect(sent.count == 1)
            let body = try #require(sent.first?["body"] as? [String: Any])
            #expect((body["text"] as? [String: Any])?["body"] as? String == "*Danke!* Wir schauen _sofort_ nach: https://example.com/track")
            #expect(body["to"] as? String == "4915112345678")
            #expect(body["biz_opaque_callback_data"] as? String == messageID.lowercased())

            // 25 hours later (on both sides): free text is refused before anything is sent.
            let past = Date().addingTimeInterval(-25 * 3600)
            try await rig.db(channel.tenant) { connection in
                try await connection.query("UPDATE channel_windows SET last_inbound_at = \(past)", logger: TestDatabases.logger)
            }
            _ = try await rig.fake(.POST, "/_fake/window", ["channel": "whatsapp", "account": channel.account.externalID ?? "",
                                                           "customer": "4915112345678", "last_inbound_unix": Int(past.timeIntervalSince1970)])
            let refused = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key, json: #"{"type":"text","text":"Hallo?"}"#)
            #expect(refused.status == 422, "\(refused.body)")
            #expect(refused.json["type"] as? String == "https://glavito.dev/problems/window-closed")
            let detail = try await rig.api(.GET, "/api/v1/tickets/\(ticket)", channel, headers: key)
            let window = try #require((detail.json["windows"] as? [[String: Any]])?.first)
            #expect(window["open"] as? Bool == false && window["closes_at"] is String)

            // The template list comes from the Graph API; an approved template still goes out.
            _ = try await rig.fake(.POST, "/_fake/templates", ["waba_id": channel.account.settings["waba_id"] ?? "", "templates": [
                ["name": "order_update", "language": "de", "body": "Hallo {{1}}, Ihre Bestellung {{2}} ist unterwegs."],
                ["name": "draft_offer", "language": "de", "status": "PENDING", "body": "Angebot {{1}}"],
            ]])
            #expect(try await rig.api(.POST, "/api/v1/channels/\(channel.account.id)/templates/sync", channel, headers: key).status == 202)
            #expect(try await rig.eventually {
                let list = try await rig.api(.GET, "/api/v1/channels/\(channel.account.id)/templates", channel, headers: key)
                return (list.json["templates"] as? [[String: Any]])?.count == 2
            })
            let pending = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key,
                                            json: #"{"type":"template","template":{"name":"draft_offer","language":"de","parameters":["x"]}}"#)
            #expect(pending.status == 400, "a template not approved is refused: \(pending.body)")
            let wrongCount = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key,
                                               json: #"{"type":"template","template":{"name":"order_update","language":"de","parameters":["Lena"]}}"#)
            #expect(wrongCount.status == 400)
            let template = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key,
                                             json: #"{"type":"template","template":{"name":"order_update","language":"de","parameters":["Lena","A-1001"]}}"#)
            #expect(template.status == 202, "\(template.body)")
            #expect(template.json["text"] as? String == "Hallo Lena, Ihre Bestellung A-1001 ist unterwegs.")
            let templateID = try #require(template.json["id"] as? String)
            #expect(try await rig.eventually { ["sent", "delivered", "read"].contains(try await Self.status(rig, channel, message: templateID)) })
            let all = try await rig.sent()
            #expect(all.count == 2, "the refused text never reached the Graph API")
            let templateBody = try #require(all.last?["body"] as? [String: Any])
            #expect(templateBody["type"] as? String == "template")
        }
    }

    @Test("an Instagram reply longer than 1,000 bytes goes out in word-boundary parts; after a day it carries the HUMAN_AGENT tag")
    func instagramReplies() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.instagram)
            let worker = try await rig.startWorker(channel.tenant, attachments: try Self.temporaryDirectory())
            defer { worker.send(SIGKILL) }
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            let inbound = try await rig.fake(.POST, "/_fake/instagram/webhook", [
                "ig_id": channel.account.externalID ?? "", "signature": "valid",
                "messaging": [["sender": ["id": "IGSID_42"], "recipient": ["id": channel.account.externalID ?? ""],
                               "timestamp": Int(Date().timeIntervalSince1970 * 1000),
                               "message": ["mid": "m_in_\(UInt32.random(in: 0...UInt32.max))", "text": "Habt ihr das in Größe M?"]]],
            ])
            #expect(inbound.json["status"] as? Int == 200, "\(inbound.body)")
            let ticket = try await Self.ticketID(rig, channel, key)
            // 2,600+ bytes of multi-byte text with emoji: three parts, none over 1,000 bytes, words intact.
            let words = (0..<260).map { "Grüße\($0 % 10 == 0 ? "🙂" : "")" }
            let text = words.joined(separator: " ")
            let reply = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key,
                                          json: try String(decoding: JSONSerialization.data(withJSONObject: ["type": "text", "text": text]), as: UTF8.self))
            #expect(reply.status == 202, "\(reply.body)")
            let messageID = try #require(reply.json["id"] as? String)
            #expect(try await rig.eventually { try await Self.status(rig, channel, message: messageID) == "sent" }, "\(worker.output.suffix(1500))")
            let sent = try await rig.sent("instagram")
            let parts = sent.compactMap { (($0["body"] as? [String: Any])?["message"] as? [String: Any])?["text"] as? String }
            #expect(parts.count >= 3 && parts.allSatisfy { $0.utf8.count <= 1000 }, "\(parts.map(\.utf8.count))")
            #expect(parts.joined(separator: " ").split(separator: " ").map(String.init) == words)
            #expect(sent.allSatisfy { $0["messaging_type"] as? String == "RESPONSE" })

            // Two days later: still inside the seven days of the HUMAN_AGENT tag.
            let past = Date().addingTimeInterval(-2 * 24 * 3600)
            try await rig.db(channel.tenant) { connection in
                try await connection.query("UPDATE channel_windows SET last_inbound_at = \(past)", logger: TestDatabases.logger)
            }
            _ = try await rig.fake(.POST, "/_fake/window", ["channel": "instagram", "account": channel.account.externalID ?? "",
                                                           "customer": "IGSID_42", "last_inbound_unix": Int(past.timeIntervalSince1970)])
            let late = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key, json: #"{"type":"text","text":"Ja, ist da!"}"#)
            #expect(late.status == 202, "\(late.body)")
            #expect(try await rig.eventually { try await rig.sent("instagram").count == parts.count + 1 })
            let last = try #require(try await rig.sent("instagram").last)
            #expect(last["messaging_type"] as? String == "MESSAGE_TAG" && last["tag"] as? String == "HUMAN_AGENT")
        }
    }

    @Test("a media download that fails twice, then returns corrupt bytes, retries and ends stored and checksum-verified")
    func mediaRetries() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let attachments = rig.attachments
            // A real PNG header so the sniffed type is image/png whatever is claimed.
            let png: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array((0..<4000).map { UInt8($0 % 251) })
            let media = try await rig.fake(.POST, "/_fake/media", ["base64": Data(png).base64EncodedString(), "mime_type": "image/jpeg"])
            let mediaID = try #require(media.json["id"] as? String)
            let sha = try #require(media.json["sha256"] as? String)
            #expect(try await rig.fake(.POST, "/_fake/media/\(mediaID)/fail", ["count": 2, "mode": "error"]).status == 200)
            let webhook = try await rig.fake(.POST, "/_fake/whatsapp/webhook", [
                "phone_number_id": channel.account.externalID ?? "", "signature": "valid",
                "contacts": [["profile": ["name": "Lena"], "wa_id": "4915112345678"]],
                "messages": [["from": "4915112345678", "id": "wamid.MEDIA\(UInt32.random(in: 0...UInt32.max))",
                              "timestamp": String(Int(Date().timeIntervalSince1970)), "type": "image",
                              "image": ["id": mediaID, "mime_type": "image/jpeg", "sha256": sha, "caption": "Kaputt angekommen"]]],
            ])
            #expect(webhook.json["status"] as? Int == 200, "\(webhook.body)")
            let worker = try await rig.startWorker(channel.tenant, attachments: attachments)
            defer { worker.send(SIGKILL) }
            var row: (String, String?, String?, String?, String?)?
            let stored = try await rig.eventually(timeout: .seconds(45)) {
                row = try await rig.db(channel.tenant) { connection in
                    let rows = try await connection.query("SELECT state, sha256, mime_type, storage_key, error FROM attachments",
                                                          logger: TestDatabases.logger)
                    for try await r in rows.decode((String, String?, String?, String?, String?).self) { return r }
                    return nil
                }
                return row?.0 == "stored"
            }
            #expect(stored, "attachment: \(String(describing: row)) \(worker.output.suffix(2000))")
            #expect(row?.1 == sha && row?.2 == "image/png")
            let onDisk = try Data(contentsOf: attachments.appendingPathComponent(try #require(row?.3)))
            #expect(Array(onDisk) == png)
            // Served to a reader of the ticket through a short-lived signed URL, on the tenant's host only.
            let key = try await rig.key([.ticketsRead], channel)
            let attachmentID = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("SELECT id FROM attachments", logger: TestDatabases.logger)
                for try await id in rows.decode(UUID.self) { return id }
                throw ChannelRig.RigError(message: "no attachment")
            }
            let signed = try await rig.api(.GET, "/api/v1/attachments/\(attachmentID)/url", channel, headers: key)
            let path = try #require(signed.json["url"] as? String, "\(signed.body)")
            let file = try await rig.api(.GET, path, channel, headers: [])
            #expect(file.status == 200 && Array(file.body.utf8).count > 0)
            let raw = try await rig.client.execute({
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(rig.port)\(path)")
                request.headers.add(name: "Host", value: channel.host)
                return request
            }(), timeout: .seconds(10))
            #expect(raw.headers.first(name: "Content-Type") == "image/png")
            #expect(Array(Data(buffer: try await raw.body.collect(upTo: 1 << 20))) == png)
            #expect(try await rig.api(.GET, path.replacingOccurrences(of: "sig=", with: "sig=0"), channel, headers: []).status == 403)
            let stranger = try await rig.connect(.whatsapp)
            #expect(try await rig.api(.GET, path, stranger, headers: []).status == 403, "another tenant's host")
            #expect(try await rig.api(.GET, "/api/v1/attachments/\(attachmentID)/url", stranger, headers: try await rig.key([.ticketsRead], stranger)).status == 404)

            let downloads = try await rig.fake(.GET, "/_fake/requests?kind=media_download")
            #expect((downloads.json["requests"] as? [[String: Any]])?.count == 3, "two failures, then the download that worked")
            let lookups = try await rig.fake(.GET, "/_fake/requests?kind=media")
            #expect((lookups.json["requests"] as? [[String: Any]])?.count == 3, "a fresh media URL for every attempt")

            // Corrupt bytes fail the checksum check and are fetched again.
            let second = try await rig.fake(.POST, "/_fake/media", ["base64": Data(png.reversed()).base64EncodedString(), "mime_type": "application/pdf"])
            let secondID = try #require(second.json["id"] as? String)
            _ = try await rig.fake(.POST, "/_fake/media/\(secondID)/fail", ["count": 1, "mode": "corrupt"])
            _ = try await rig.fake(.POST, "/_fake/whatsapp/webhook", [
                "phone_number_id": channel.account.externalID ?? "", "signature": "valid",
                "contacts": [["profile": ["name": "Lena"], "wa_id": "4915112345678"]],
                "messages": [["from": "4915112345678", "id": "wamid.DOC\(UInt32.random(in: 0...UInt32.max))",
                              "timestamp": String(Int(Date().timeIntervalSince1970)), "type": "document",
                              "document": ["id": secondID, "mime_type": "application/pdf", "filename": "rechnung.pdf"]]],
            ])
            #expect(try await rig.eventually(timeout: .seconds(45)) {
                try await rig.count(channel.tenant, "SELECT count(*)::int FROM attachments WHERE state = 'stored'") == 2
            })
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM attachments WHERE mime_type = 'application/octet-stream'") == 1,
                    "unknown bytes are not trusted to be the PDF they claim")
        }
    }

    @Test("a worker killed while the Graph API holds its request does not send the message twice")
    func killedMidRequest() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let attachments = try Self.temporaryDirectory()
            let settings = ["GLAVITO_CHANNELS_SEND_DOUBT_SECONDS": "30"]
            let first = try await rig.startWorker(channel.tenant, attachments: attachments, extra: settings)
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            #expect(try await rig.whatsappText("Hallo", from: "4917612345678", to: channel).status == 200)
            let ticket = try await Self.ticketID(rig, channel, key)
            _ = try await rig.fake(.POST, "/_fake/hang", ["endpoint": "whatsapp_send", "seconds": 20, "count": 1])
            let reply = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key, json: #"{"type":"text","text":"Moment bitte"}"#)
            let messageID = try #require(reply.json["id"] as? String)
            #expect(try await rig.eventually { try await rig.sent().count == 1 }, "the fake accepted the message")
            first.send(SIGKILL)
            _ = try await first.waitForExit(timeout: .seconds(10))
            let second = try await rig.startWorker(channel.tenant, attachments: attachments, extra: settings)
            defer { second.send(SIGKILL) }
            // The status webhooks carry our id back; the re-run job finds the message settled and sends nothing.
            #expect(try await rig.eventually { try await Self.status(rig, channel, message: messageID) == "read" })
            #expect(try await rig.eventually(timeout: .seconds(30)) {
                try await rig.count(channel.tenant, "SELECT count(*)::int FROM jobs") == 0
            }, "the send job finished: \(second.output.suffix(1500))")
            #expect(try await rig.sent().count == 1, "sent once")
            let provider = try await rig.count(channel.tenant, "SELECT count(*)::int FROM messages WHERE provider_message_id LIKE 'wamid.%' AND direction = 'outbound'")
            #expect(provider == 1, "the provider id came from the status webhook")
        }
    }
}
