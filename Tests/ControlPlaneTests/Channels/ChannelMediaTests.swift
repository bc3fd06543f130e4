import AsyncHTTPClient
import Foundation
import GlavitoCore
import GlavitoTestSupport
import NIOCore
import PostgresNIO
import Testing

/// Files and reply buttons from agents through a real worker process to the fake Graph API: WhatsApp uploads then
/// media messages (exactly once, also when a worker dies mid-send), interactive buttons, Instagram attachments that
/// the fake fetches from their signed URLs, and thumbnails made by vipsthumbnail (and given up on for a corrupt image).
@Suite("Channel media")
struct ChannelMediaTests {
    static func reply(_ rig: ChannelRig, _ channel: ChannelRig.Channel, ticket: String, key: [(String, String)],
                      _ body: [String: Any]) async throws -> ChannelRig.Reply {
        try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: key,
                          json: String(decoding: try JSONSerialization.data(withJSONObject: body), as: UTF8.self))
    }

    static func file(_ name: String, _ type: String, _ bytes: [UInt8]) -> [String: Any] {
        ["filename": name, "content_type": type, "data": Data(bytes).base64EncodedString()]
    }

    static let pdf = Array("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n".utf8)

    /// The bytes at `path` of the control plane, on the channel's host.
    static func download(_ rig: ChannelRig, _ channel: ChannelRig.Channel, _ path: String) async throws -> (Int, String, [UInt8]) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(rig.port)\(path)")
        request.headers.add(name: "Host", value: channel.host)
        let response = try await rig.client.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 16 << 20)
        return (Int(response.status.code), response.headers.first(name: "Content-Type") ?? "", Array(buffer: body))
    }

    @Test("a WhatsApp image goes out as an upload then an image message with its caption, once, despite a failed upload; a document keeps its name; unsupported files are refused with 422; the image gets a 320 px thumbnail")
    func whatsappMedia() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let worker = try await rig.startWorker(channel.tenant)
            defer { worker.send(SIGKILL) }
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            #expect(try await rig.whatsappText("Können Sie mir ein Foto schicken?", from: "4915112340001", to: channel).status == 200)
            let ticket = try await ChannelOutboundTests.ticketID(rig, channel, key)

            // Refused before anything is stored as a message: the type comes from the bytes, not the claim.
            for (body, why) in [
                (["type": "text", "attachments": [Self.file("x.png", "image/png", Array("not an image at all\u{0}\u{1}".utf8))]], "unknown bytes"),
                (["type": "text", "attachments": [Self.file("big.png", "image/png", [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + [UInt8](repeating: 0, count: 5_000_001))]], "an image over 5 MB"),
                (["type": "text", "attachments": [Self.file("a.pdf", "application/pdf", Self.pdf), Self.file("b.pdf", "application/pdf", Self.pdf)]], "two files"),
                (["type": "text", "text": "Hör mal", "attachments": [Self.file("v.ogg", "audio/ogg", Array("OggS".utf8) + [UInt8](repeating: 1, count: 64))]], "audio with a caption"),
            ] as [([String: Any], String)] {
                let refused = try await Self.reply(rig, channel, ticket: ticket, key: key, body)
                #expect(refused.status == 422, "\(why): \(refused.body)")
                #expect(refused.json["type"] as? String == "https://glavito.dev/problems/unsupported-content", "\(why): \(refused.body)")
            }
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM messages WHERE direction = 'outbound'") == 0)

            // The first upload fails (Meta's transient 131000): the job retries, uploads again, sends once.
            _ = try await rig.fake(.POST, "/_fake/fail", ["endpoint": "media_upload", "count": 1, "status": 500, "code": 131000])
            let image = TestImages.png(width: 1000, height: 600)
            let sent = try await Self.reply(rig, channel, ticket: ticket, key: key,
                                            ["type": "text", "text": "Hier ist das **Foto**", "attachments": [Self.file("foto.png", "image/png", image)]])
            #expect(sent.status == 202, "\(sent.body)")
            #expect(sent.json["type"] as? String == "image")
            let imageMessage = try #require(sent.json["id"] as? String)
            #expect(try await rig.eventually(timeout: .seconds(60)) {
                ["sent", "delivered", "read"].contains(try await ChannelOutboundTests.status(rig, channel, message: imageMessage))
            }, "\(worker.output.suffix(1500))")
            let uploads = (try await rig.fake(.GET, "/_fake/requests?kind=media_upload")).json["requests"] as? [[String: Any]] ?? []
            #expect(uploads.map { $0["status"] as? Int } == [500, 200])
            let upload = try #require(uploads.last)
            let fields = try #require(upload["body"] as? [String: Any])
            #expect(fields["messaging_product"] as? String == "whatsapp" && fields["type"] as? String == "image/png")
            #expect((fields["file"] as? [String: Any])?["bytes"] as? Int == image.count)
            let mediaID = try #require((upload["response"] as? [String: Any])?["id"] as? String)
            let first = try await rig.sent()
            #expect(first.count == 1)
            let body = try #require(first.first?["body"] as? [String: Any])
            #expect(body["type"] as? String == "image")
            #expect((body["image"] as? [String: Any])?["id"] as? String == mediaID)
            #expect((body["image"] as? [String: Any])?["caption"] as? String == "Hier ist das *Foto*")

            // A document keeps its file name.
            let document = try await Self.reply(rig, channel, ticket: ticket, key: key,
                                                ["type": "text", "text": "Ihre Rechnung", "attachments": [Self.file("Rechnung 42.pdf", "application/octet-stream", Self.pdf)]])
            #expect(document.status == 202, "\(document.body)")
            #expect(try await rig.eventually { try await rig.sent().count == 2 })
            let documentBody = try #require(try await rig.sent().last?["body"] as? [String: Any])
            let sentDocument = try #require(documentBody["document"] as? [String: Any])
            #expect(documentBody["type"] as? String == "document")
            #expect(sentDocument["filename"] as? String == "Rechnung 42.pdf" && sentDocument["caption"] as? String == "Ihre Rechnung")

            // The image's thumbnail: a JPEG whose long side is 320 px, linked from the timeline.
            var thumbnailURL: String?
            #expect(try await rig.eventually(timeout: .seconds(60)) {
                let timeline = try await rig.api(.GET, "/api/v1/tickets/\(ticket)/messages", channel, headers: key)
                let message = (timeline.json["messages"] as? [[String: Any]])?.first { $0["id"] as? String == imageMessage }
                let attachments = message?["attachments"] as? [[String: Any]] ?? []
                thumbnailURL = attachments.first?["thumbnail_url"] as? String
                return attachments.count == 1 && thumbnailURL != nil
            }, "\(worker.output.suffix(1500))")
            let (status, type, bytes) = try await Self.download(rig, channel, try #require(thumbnailURL))
            #expect(status == 200 && type == "image/jpeg")
            let size = try #require(TestImages.jpegSize(bytes))
            #expect(size.width == 320 && size.height == 192, "\(size)")
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM attachments WHERE derived_from IS NOT NULL") == 1)
        }
    }

    @Test("a worker killed while the Graph API holds a media send does not send it twice")
    func mediaKilledMidSend() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let settings = ["GLAVITO_CHANNELS_SEND_DOUBT_SECONDS": "30"]
            let first = try await rig.startWorker(channel.tenant, extra: settings)
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            #expect(try await rig.whatsappText("Hallo", from: "4917612340002", to: channel).status == 200)
            let ticket = try await ChannelOutboundTests.ticketID(rig, channel, key)
            _ = try await rig.fake(.POST, "/_fake/hang", ["endpoint": "whatsapp_send", "seconds": 20, "count": 1])
            let reply = try await Self.reply(rig, channel, ticket: ticket, key: key,
                                             ["type": "text", "text": "Das Handbuch", "attachments": [Self.file("handbuch.pdf", "application/pdf", Self.pdf)]])
            let messageID = try #require(reply.json["id"] as? String, "\(reply.body)")
            #expect(try await rig.eventually { try await rig.sent().count == 1 }, "the fake accepted the message")
            first.send(SIGKILL)
            _ = try await first.waitForExit(timeout: .seconds(10))
            let second = try await rig.startWorker(channel.tenant, extra: settings)
            defer { second.send(SIGKILL) }
            #expect(try await rig.eventually { try await ChannelOutboundTests.status(rig, channel, message: messageID) == "read" })
            #expect(try await rig.eventually(timeout: .seconds(40)) {
                try await rig.count(channel.tenant, "SELECT count(*)::int FROM jobs") == 0
            }, "the send job finished: \(second.output.suffix(1500))")
            #expect(try await rig.sent().count == 1, "sent once")
        }
    }

    @Test("WhatsApp reply buttons and lists go out as interactive button and list messages; bad shapes are refused with 422")
    func interactiveButtons() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let worker = try await rig.startWorker(channel.tenant)
            defer { worker.send(SIGKILL) }
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            #expect(try await rig.whatsappText("Wann kommt mein Paket?", from: "4915112340003", to: channel).status == 200)
            let ticket = try await ChannelOutboundTests.ticketID(rig, channel, key)
            let three = [["id": "yes", "title": "Ja"], ["id": "no", "title": "Nein"], ["id": "call", "title": "Rückruf"]]
            for (body, why) in [
                (["type": "interactive", "text": "Passt Montag?", "buttons": three + [["id": "x", "title": "Vier"]]], "four buttons"),
                (["type": "interactive", "text": "Passt Montag?", "buttons": [] as [[String: String]]], "no buttons"),
                (["type": "interactive", "text": "Passt Montag?", "buttons": [["id": "a", "title": String(repeating: "x", count: 21)]]], "a 21-character title"),
                (["type": "interactive", "text": String(repeating: "y", count: 1025), "buttons": three], "a 1,025-character body"),
                (["type": "interactive", "text": "Passt?", "buttons": [["id": "a", "title": "Ja"], ["id": "a", "title": "Nein"]]], "duplicate ids"),
                (["type": "interactive", "text": "Wann?", "buttons": three, "list": Self.list(rows: 2)], "buttons and a list"),
                (["type": "interactive", "text": "Wann?", "list": Self.list(rows: 11)], "eleven rows"),
                (["type": "interactive", "text": "Wann?", "list": Self.list(rows: 2, button: String(repeating: "b", count: 21))], "a 21-character list button"),
                (["type": "interactive", "text": "Wann?", "list": Self.list(rows: 2, description: String(repeating: "d", count: 73))], "a 73-character description"),
                (["type": "interactive", "text": "Wann?", "list": ["button": "Termine", "sections": [["rows": [["id": "a", "title": "A"]]], ["rows": [["id": "b", "title": "B"]]]]]], "two untitled sections"),
                (["type": "interactive", "text": "Wann?", "list": ["button": "Termine", "sections": [["title": "X", "rows": [["id": "a", "title": "A"]]], ["title": "Y", "rows": [["id": "a", "title": "B"]]]]]], "a repeated row id"),
                (["type": "interactive", "text": String(repeating: "y", count: 4097), "list": Self.list(rows: 2)], "a 4,097-character list body"),
            ] as [([String: Any], String)] {
                let refused = try await Self.reply(rig, channel, ticket: ticket, key: key, body)
                #expect(refused.status == 422, "\(why): \(refused.body)")
            }
            let sent = try await Self.reply(rig, channel, ticket: ticket, key: key, ["type": "interactive", "text": "Passt **Montag**?", "buttons": three])
            #expect(sent.status == 202, "\(sent.body)")
            let messageID = try #require(sent.json["id"] as? String)
            #expect(try await rig.eventually { ["sent", "delivered", "read"].contains(try await ChannelOutboundTests.status(rig, channel, message: messageID)) },
                    "\(worker.output.suffix(1500))")
            let body = try #require(try await rig.sent().first?["body"] as? [String: Any])
            #expect(body["type"] as? String == "interactive")
            let interactive = try #require(body["interactive"] as? [String: Any])
            #expect(interactive["type"] as? String == "button")
            #expect((interactive["body"] as? [String: Any])?["text"] as? String == "Passt *Montag*?")
            let buttons = ((interactive["action"] as? [String: Any])?["buttons"] as? [[String: Any]]) ?? []
            #expect(buttons.compactMap { ($0["reply"] as? [String: Any])?["title"] as? String } == ["Ja", "Nein", "Rückruf"])
            #expect(buttons.allSatisfy { $0["type"] as? String == "reply" })

            // A list: two titled sections, ten rows in all, the body longer than a button message may be.
            let long = "Bitte wählen Sie einen **Termin**. " + String(repeating: "Details folgen. ", count: 80)
            let list: [String: Any] = ["button": " Termine ", "sections": [
                ["title": "Vormittag", "rows": (1...5).map { ["id": "am-\($0)", "title": "Mo \($0 + 7):00", "description": "Zustellung am Vormittag"] }],
                ["title": "Nachmittag", "rows": (1...5).map { ["id": "pm-\($0)", "title": "Mo \($0 + 12):00", "description": ""] }],
            ]]
            let listed = try await Self.reply(rig, channel, ticket: ticket, key: key, ["type": "interactive", "text": long, "list": list])
            #expect(listed.status == 202, "\(listed.body)")
            let listID = try #require(listed.json["id"] as? String)
            #expect(try await rig.eventually { ["sent", "delivered", "read"].contains(try await ChannelOutboundTests.status(rig, channel, message: listID)) },
                    "\(worker.output.suffix(1500))")
            let listBody = try #require(try await rig.sent().last?["body"] as? [String: Any])
            let listInteractive = try #require(listBody["interactive"] as? [String: Any])
            #expect(listInteractive["type"] as? String == "list")
            #expect(((listInteractive["body"] as? [String: Any])?["text"] as? String)?.hasPrefix("Bitte wählen Sie einen *Termin*.") == true)
            let action = try #require(listInteractive["action"] as? [String: Any])
            #expect(action["button"] as? String == "Termine", "trimmed")
            let sections = try #require(action["sections"] as? [[String: Any]])
            #expect(sections.map { $0["title"] as? String } == ["Vormittag", "Nachmittag"])
            let rows = sections.flatMap { ($0["rows"] as? [[String: Any]]) ?? [] }
            #expect(rows.count == 10 && rows.first?["id"] as? String == "am-1" && rows.first?["description"] as? String == "Zustellung am Vormittag")
            #expect(rows.last?["description"] == nil, "an empty description is left out")
            // The timeline keeps the list with the message.
            let stored = try await rig.api(.GET, "/api/v1/tickets/\(ticket)/messages", channel, headers: key)
            let message = (stored.json["messages"] as? [[String: Any]])?.first { $0["id"] as? String == listID }
            #expect(((message?["content"] as? [String: Any])?["list"] as? [String: Any])?["button"] as? String == "Termine")
        }
    }

    /// A one-section list of `rows` rows.
    static func list(rows: Int, button: String = "Termine", description: String? = nil) -> [String: Any] {
        ["button": button, "sections": [["rows": (0..<rows).map { index -> [String: Any] in
            var row: [String: Any] = ["id": "r\(index)", "title": "Termin \(index)"]
            if let description { row["description"] = description }
            return row
        }]]]
    }

    @Test("Instagram files follow the text as attachments whose signed URLs the fake fetches; the link lives an hour")
    func instagramAttachments() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.instagram)
            _ = try await rig.fake(.POST, "/_fake/settings", ["resolve": ["glavito.test": "127.0.0.1"]])
            let worker = try await rig.startWorker(channel.tenant, extra: [
                "GLAVITO_BASE_DOMAIN": "glavito.test", "GLAVITO_PUBLIC_URL": "http://glavito.test:\(rig.port)",
            ])
            defer { worker.send(SIGKILL) }
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            let inbound = try await rig.fake(.POST, "/_fake/instagram/webhook", [
                "ig_id": channel.account.externalID ?? "", "signature": "valid",
                "messaging": [["sender": ["id": "IGSID_77"], "recipient": ["id": channel.account.externalID ?? ""],
                               "timestamp": Int(Date().timeIntervalSince1970 * 1000),
                               "message": ["mid": "m_in_\(UInt32.random(in: 0...UInt32.max))", "text": "Habt ihr ein Bild?"]]],
            ])
            #expect(inbound.json["status"] as? Int == 200, "\(inbound.body)")
            let ticket = try await ChannelOutboundTests.ticketID(rig, channel, key)
            let refused = try await Self.reply(rig, channel, ticket: ticket, key: key,
                                               ["type": "text", "attachments": [Self.file("x.txt", "text/plain", Array("hello".utf8))]])
            #expect(refused.status == 422, "Instagram takes no text files: \(refused.body)")
            let image = TestImages.png(width: 40, height: 30)
            let sent = try await Self.reply(rig, channel, ticket: ticket, key: key, [
                "type": "text", "text": "Hier bitte",
                "attachments": [Self.file("bild.png", "image/png", image), Self.file("katalog.pdf", "application/pdf", Self.pdf)],
            ])
            #expect(sent.status == 202, "\(sent.body)")
            let messageID = try #require(sent.json["id"] as? String)
            #expect(try await rig.eventually { try await ChannelOutboundTests.status(rig, channel, message: messageID) == "sent" },
                    "\(worker.output.suffix(1500))")
            let parts = try await rig.sent("instagram")
            #expect(parts.count == 3)
            let messages = parts.compactMap { ($0["body"] as? [String: Any])?["message"] as? [String: Any] }
            #expect(messages.first?["text"] as? String == "Hier bitte")
            let attachments = messages.dropFirst().compactMap { $0["attachment"] as? [String: Any] }
            #expect(attachments.map { $0["type"] as? String } == ["image", "file"])
            let fetched = parts.dropFirst().compactMap { $0["fetched"] as? [String: Any] }
            #expect(fetched.map { $0["status"] as? Int } == [200, 200])
            #expect(fetched.first?["sha256"] as? String == Hashing.hex(Hashing.sha256(image)))
            #expect(fetched.last?["content_type"] as? String == "application/pdf")
            let url = try #require((attachments.first?["payload"] as? [String: Any])?["url"] as? String)
            #expect(url.hasPrefix("http://\(channel.host):\(rig.port)/attachments/"))
            let expires = try #require(URLComponents(string: url)?.queryItems?.first { $0.name == "expires" }?.value.flatMap { Double($0) })
            #expect(expires - Date().timeIntervalSince1970 > 3000, "an hour by default")
        }
    }

    @Test("a customer's WhatsApp photo, once downloaded, gets a thumbnail of at most 320 px on its long side")
    func inboundThumbnail() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let worker = try await rig.startWorker(channel.tenant)
            defer { worker.send(SIGKILL) }
            let key = try await rig.key([.ticketsRead], channel)
            let photo = TestImages.png(width: 480, height: 640)
            let media = try await rig.fake(.POST, "/_fake/media", ["base64": Data(photo).base64EncodedString(), "mime_type": "image/png"])
            let mediaID = try #require(media.json["id"] as? String)
            let webhook = try await rig.fake(.POST, "/_fake/whatsapp/webhook", [
                "phone_number_id": channel.account.externalID ?? "", "signature": "valid",
                "contacts": [["profile": ["name": "Jonas"], "wa_id": "4915112340005"]],
                "messages": [["from": "4915112340005", "id": "wamid.PHOTO\(UInt32.random(in: 0...UInt32.max))",
                              "timestamp": String(Int(Date().timeIntervalSince1970)), "type": "image",
                              "image": ["id": mediaID, "mime_type": "image/png", "sha256": media.json["sha256"] as? String ?? ""]]],
            ])
            #expect(webhook.json["status"] as? Int == 200, "\(webhook.body)")
            let ticket = try await ChannelOutboundTests.ticketID(rig, channel, key)
            var thumbnailURL: String?
            #expect(try await rig.eventually(timeout: .seconds(60)) {
                let timeline = try await rig.api(.GET, "/api/v1/tickets/\(ticket)/messages", channel, headers: key)
                let attachment = ((timeline.json["messages"] as? [[String: Any]])?.first?["attachments"] as? [[String: Any]])?.first
                thumbnailURL = attachment?["thumbnail_url"] as? String
                return thumbnailURL != nil && attachment?["thumbnail_state"] as? String == "stored"
            }, "\(worker.output.suffix(1500))")
            let (status, _, bytes) = try await Self.download(rig, channel, try #require(thumbnailURL))
            let size = try #require(TestImages.jpegSize(bytes))
            #expect(status == 200 && size.width == 240 && size.height == 320, "\(size)")
        }
    }

    @Test("a corrupt image's thumbnail is marked failed after the job's attempts, and the timeline falls back to the original")
    func corruptThumbnail() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let worker = try await rig.startWorker(channel.tenant)
            defer { worker.send(SIGKILL) }
            let key = try await rig.key([.ticketsRead, .ticketsReply], channel)
            #expect(try await rig.whatsappText("Foto?", from: "4915112340004", to: channel).status == 200)
            let ticket = try await ChannelOutboundTests.ticketID(rig, channel, key)
            let corrupt: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array("this is not a PNG body".utf8)
            let sent = try await Self.reply(rig, channel, ticket: ticket, key: key, ["type": "text", "attachments": [Self.file("kaputt.png", "image/png", corrupt)]])
            #expect(sent.status == 202, "\(sent.body)")
            #expect(try await rig.eventually(timeout: .seconds(90)) {
                try await rig.count(channel.tenant, "SELECT count(*)::int FROM attachments WHERE thumbnail_state = 'failed'") == 1
            }, "\(worker.output.suffix(2000))")
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM jobs WHERE kind = 'media.thumbnail'") == 0)
            let timeline = try await rig.api(.GET, "/api/v1/tickets/\(ticket)/messages", channel, headers: key)
            let attachment = try #require(((timeline.json["messages"] as? [[String: Any]])?.last?["attachments"] as? [[String: Any]])?.first)
            #expect(attachment["thumbnail_state"] as? String == "failed" && attachment["thumbnail_url"] == nil)
        }
    }
}
