import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// The web chat channel end to end: two `glavito serve` processes, a visitor speaking the frame protocol over a real
/// WebSocket (Python `websockets`), agents replying through the API of the other process.
@Suite("Web chat")
struct WebChatTests {
    @Test("a visitor writes (a resend is stored once), leaves a known email and joins that contact, gets the agent's reply and typing live but never a note, and gets the history back with the token")
    func conversation() async throws {
        try await WebChatRig.with { rig in
            let tenant = rig.servers.tenant
            let known = try await rig.dbs.app.withTenantTransaction(tenant) { connection in
                try await ContactDirectory(tenant: tenant, keyRing: rig.identity.keyRing).resolve(
                    [IdentityClaim(kind: .email, value: "lena@example.com")], profileName: "Lena", sourceMessage: nil,
                    on: connection, logger: TestDatabases.logger).contactID
            }
            let key = [("Authorization", "Bearer \(try await rig.servers.apiKey([.ticketsRead, .ticketsReply], dbs: rig.dbs))")]
            let long = String(repeating: "x", count: 5_001)
            let visitor = try rig.visitor([
                ["wait": ["type": "history"]],
                ["send": ["type": "message", "id": "m1", "text": "Hallo, wo ist meine Bestellung?"]], ["wait": ["type": "ack", "id": "m1"]],
                ["send": ["type": "message", "id": "m1", "text": "Hallo, wo ist meine Bestellung?"]], ["wait": ["type": "ack", "id": "m1"]],
                ["send": "not json"], ["wait": ["type": "error", "code": "bad-frame"]],
                ["send": ["type": "message", "id": "m2", "text": long]], ["wait": ["type": "error", "code": "too-long"]],
                ["send": ["type": "sing"]], ["wait": ["type": "error", "code": "unknown-type"]],
                ["send": ["type": "identify", "email": "not-an-email"]], ["wait": ["type": "error", "code": "invalid-email"]],
                ["send": ["type": "identify", "email": " Lena@Example.com "]], ["wait": ["type": "identified"]],
                ["wait": ["type": "typing"]],
                ["wait_text": "Antwort vom Agenten"],
            ])
            #expect(try await visitor.process.waitForOutput(containing: #""type": "identified""#, timeout: .seconds(30)), "\(visitor.process.output)")
            let account = rig.account.id
            #expect(try await rig.value(Int.self, "SELECT count(*)::int FROM messages WHERE channel_account_id = \(account)") == 1)
            let contact = try #require(try await rig.value(UUID.self, "SELECT contact_id FROM messages WHERE channel_account_id = \(account)"))
            #expect(contact == known, "the visitor's conversation joined the contact that has the email")
            let ticket = try #require(try await rig.value(UUID.self, "SELECT ticket_id FROM messages WHERE channel_account_id = \(account)"))

            // Through the other process: typing, a note (never shown), then the reply.
            #expect(try await rig.http(.POST, "/api/v1/tickets/\(ticket)/typing", headers: key).status == 204)
            #expect(try await visitor.process.waitForOutput(containing: #""type": "typing""#, timeout: .seconds(20)), "\(visitor.process.output)")
            let note = try await rig.http(.POST, "/api/v1/tickets/\(ticket)/messages", headers: key, json: #"{"type":"note","text":"Interne Notiz: geheim"}"#)
            #expect(note.status == 201, "\(note.body)")
            let reply = try await rig.http(.POST, "/api/v1/tickets/\(ticket)/messages", headers: key, json: #"{"type":"text","text":"**Antwort** vom Agenten"}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let frames = try await visitor.frames()
            let acks = WebChatRig.of("ack", frames)
            #expect(acks.map { $0["duplicate"] as? Bool } == [false, true], "\(frames)")
            #expect(Set(acks.compactMap { $0["message_id"] as? String }).count == 1)
            let delivered = try #require(WebChatRig.of("message", frames).first, "\(frames)")
            #expect(delivered["from"] as? String == "agent")
            #expect(delivered["html"] as? String == "<p><strong>Antwort</strong> vom Agenten</p>", "\(delivered)")
            #expect(!frames.contains { "\($0)".contains("geheim") }, "a note never reaches the visitor")
            #expect(WebChatRig.of("done", frames).count == 1, "\(frames)")
            #expect(try await rig.value(String.self, "SELECT delivery_status FROM messages WHERE direction = 'outbound' AND channel_account_id = \(account)") == "sent")
            #expect(try await rig.value(Int.self, "SELECT count(*)::int FROM jobs WHERE kind = 'delivery.webchat_message'") == 0)

            // Back later, on the other process, with the stored token: the same visitor and the history, without the note.
            let welcome = try #require(WebChatRig.of("welcome", frames).first)
            let token = try #require(welcome["token"] as? String)
            let back = try rig.visitor([["wait": ["type": "history"]]], server: 1, token: token)
            let backFrames = try await back.frames()
            #expect(WebChatRig.of("welcome", backFrames).first?["visitor_id"] as? String == welcome["visitor_id"] as? String)
            let history = try #require(WebChatRig.of("history", backFrames).first?["messages"] as? [[String: Any]], "\(backFrames)")
            #expect(history.map { $0["from"] as? String } == ["visitor", "agent"])
            #expect(history.first?["client_id"] as? String == "m1")
            #expect(history.last?["text"] as? String == "Antwort vom Agenten")

            // A stranger's token, or this token on another tenant's host, is refused.
            let forged = try await rig.visitor([["wait": ["type": "history"]]], token: "wv_AAAAAAAAAAAAAAAAAAAAAA.0000").frames()
            #expect(WebChatRig.of("error", forged).first?["code"] as? String == "invalid-token", "\(forged)")
            let (other, otherSlug) = try await rig.dbs.makeTenant(prefix: "wc")
            let otherAccount = try await WebChatRig.webchat(other, identity: rig.identity, dbs: rig.dbs)
            let otherHost = "\(otherSlug).localhost:\(rig.servers.ports[0])"
            let elsewhere = try await rig.visitor([["wait": ["type": "history"]]], host: otherHost, channel: otherAccount.id, token: token,
                                                  origin: nil).frames()
            #expect(WebChatRig.of("error", elsewhere).first?["code"] as? String == "invalid-token", "\(elsewhere)")
            let wrongHost = try await rig.visitor([], host: otherHost, token: token, origin: nil).frames()
            // hummingbird-websocket answers a declined upgrade with a bare 400; the same request without the upgrade gets the reason.
            #expect(WebChatRig.of("refused", wrongHost).first?["status"] as? Int == 400, "this channel is not the other tenant's: \(wrongHost)")
            let path = "/webchat/\(rig.account.id.uuidString.lowercased())"
            #expect(try await rig.http(.GET, path, server: 0, host: otherHost).status == 404)
            #expect(try await rig.http(.GET, path, server: 0).status == 426)
        }
    }

    @Test("an agent's image reaches the visitor with a signed link that serves it; a type web chat cannot show is refused with 422")
    func agentFiles() async throws {
        try await WebChatRig.with { rig in
            let key = [("Authorization", "Bearer \(try await rig.servers.apiKey([.ticketsRead, .ticketsReply], dbs: rig.dbs))")]
            let visitor = try rig.visitor([
                ["wait": ["type": "history"]],
                ["send": ["type": "message", "id": "m1", "text": "Haben Sie ein Foto?"]], ["wait": ["type": "ack", "id": "m1"]],
                ["wait": ["type": "message"]],
            ])
            #expect(try await visitor.process.waitForOutput(containing: #""type": "ack""#, timeout: .seconds(30)), "\(visitor.process.output)")
            let ticket = try #require(try await rig.value(UUID.self, "SELECT ticket_id FROM messages WHERE channel_account_id = \(rig.account.id)"))
            let text = Data("just text".utf8).base64EncodedString()
            let refused = try await rig.http(.POST, "/api/v1/tickets/\(ticket)/messages", headers: key,
                                             json: #"{"type":"text","text":"x","attachments":[{"filename":"a.txt","content_type":"text/plain","data":"\#(text)"}]}"#)
            #expect(refused.status == 422, "\(refused.body)")
            let png = Data(TestImages.png(width: 30, height: 20)).base64EncodedString()
            let reply = try await rig.http(.POST, "/api/v1/tickets/\(ticket)/messages", headers: key,
                                           json: #"{"type":"text","text":"Hier","attachments":[{"filename":"foto.png","content_type":"image/png","data":"\#(png)"}]}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let frames = try await visitor.frames()
            let delivered = try #require(WebChatRig.of("message", frames).first, "\(frames)")
            let file = try #require((delivered["attachments"] as? [[String: Any]])?.first, "\(delivered)")
            #expect(file["kind"] as? String == "image" && file["mime_type"] as? String == "image/png" && file["filename"] as? String == "foto.png")
            let url = try #require(file["url"] as? String)
            #expect(url.hasPrefix("/attachments/"))
            let served = try await rig.http(.GET, url, server: 0)
            #expect(served.status == 200 && served.contentType == "image/png", "\(served.status) \(served.contentType)")
            #expect(try await rig.value(Int.self, "SELECT count(*)::int FROM jobs WHERE kind = 'media.thumbnail'") == 1, "the image's thumbnail is queued")
        }
    }

    @Test("a bad Origin is refused; visitor messages are rate-limited; the widget script is JavaScript that loads nothing from elsewhere")
    func limitsAndWidget() async throws {
        try await WebChatRig.with { rig in
            let evil = try await rig.visitor([], origin: "https://evil.example.net").frames()
            #expect(WebChatRig.of("refused", evil).first?["status"] as? Int == 400, "\(evil)")
            let plain = try await rig.http(.GET, "/webchat/\(rig.account.id.uuidString.lowercased())", server: 0,
                                           headers: [("Origin", "https://evil.example.net")])
            #expect(plain.status == 403 && plain.body.contains("cross-site-origin"), "\(plain.body)")
            let own = try await rig.visitor([["wait": ["type": "history"]]], origin: "http://\(rig.servers.host(0))").frames()
            #expect(WebChatRig.of("history", own).count == 1, "the tenant's own host is allowed: \(own)")

            let burst: [[String: Any]] = (0..<21).flatMap { index -> [[String: Any]] in
                [["send": ["type": "message", "id": "r\(index)", "text": "Nachricht \(index)"]], ["wait": ["id": "r\(index)"]]]
            }
            let frames = try await rig.visitor(burst).frames(timeout: .seconds(60))
            #expect(WebChatRig.of("ack", frames).count == 20, "\(frames)")
            #expect(WebChatRig.of("error", frames).map { $0["code"] as? String } == ["rate-limited"], "\(frames)")

            // Files: an image is stored (once) with its sniffed type; anything else is refused.
            let png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] + Array(repeating: UInt8(7), count: 100)).base64EncodedString()
            let html = Data("<html><script>alert(1)</script>".utf8).base64EncodedString()
            let files = try await rig.visitor([
                ["send": ["type": "file", "id": "f1", "name": "../../etc/screenshot.png", "data": png, "text": "Das Foto"]], ["wait": ["id": "f1"]],
                ["send": ["type": "file", "id": "f1", "name": "screenshot.png", "data": png]], ["wait": ["id": "f1"]],
                ["send": ["type": "file", "id": "f2", "name": "page.png", "data": html]], ["wait": ["id": "f2"]],
            ], server: 1).frames()
            #expect(WebChatRig.of("ack", files).map { $0["duplicate"] as? Bool } == [false, true], "\(files)")
            #expect(WebChatRig.of("error", files).map { $0["code"] as? String } == ["unsupported-file"], "\(files)")
            let stored = try await rig.value(String.self, """
                SELECT a.state || ' ' || a.mime_type || ' ' || a.filename || ' ' || m.type || ' ' || m.text FROM attachments a JOIN messages m ON m.id = a.message_id
                """)
            #expect(stored == "stored image/png screenshot.png image Das Foto")
            #expect(try await rig.value(String.self, "SELECT thumbnail_state FROM attachments") == "pending", "a thumbnail is queued with the upload")
            let key = try #require(try await rig.value(String.self, "SELECT storage_key FROM attachments"))
            #expect(FileManager.default.fileExists(atPath: rig.attachments.appendingPathComponent(key).path))

            let script = try await rig.http(.GET, "/widget/\(rig.account.id.uuidString.lowercased()).js", server: 0)
            #expect(script.status == 200)
            #expect(script.contentType.hasPrefix("text/javascript"))
            #expect(script.body.contains(rig.account.id.uuidString.lowercased()) && script.body.contains("#2563eb"))
            #expect(script.body.contains("attachShadow") && script.body.contains("aria-label"))
            #expect(!script.body.contains("http://") && !script.body.contains("https://"), "no external URLs")
            #expect(try await rig.http(.GET, "/widget/\(UUID().uuidString.lowercased()).js", server: 0).status == 404)
            let landing = try await rig.http(.GET, "/", server: 0)
            #expect(landing.body.contains("/widget/\(rig.account.id.uuidString.lowercased()).js"), "the workspace's page embeds its widget")
        }
    }
}
