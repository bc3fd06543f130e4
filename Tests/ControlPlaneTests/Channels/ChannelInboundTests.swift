import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// Meta's webhooks for WhatsApp and Instagram, sent signed by the fake Meta API (as Meta signs them) to a live
/// control plane: every inbound payload type, retries, bad signatures, statuses out of order, and other tenants.
@Suite("Channel webhooks")
struct ChannelInboundTests {
    static let whatsappMessages = ["image", "audio", "voice", "video", "document", "sticker", "location", "contacts",
                                   "interactive_button_reply", "interactive_list_reply", "button", "unsupported", "text_reply", "bsuid_only"]

    static func whatsapp(_ name: String, _ channel: ChannelRig.Channel) throws -> String {
        try ChannelRig.fixture("whatsapp/\(name).json", replacing: ["PHONE_NUMBER_ID": channel.account.externalID ?? "",
                                                                     "WABA_ID": channel.account.settings["waba_id"] ?? ""])
    }

    /// Inserts an outbound message the statuses and reactions of the fixtures refer to.
    static func outbound(_ providerID: String, rig: ChannelRig, channel: ChannelRig.Channel) async throws -> UUID {
        try await rig.db(channel.tenant) { connection in
            let rows = try await connection.query("SELECT id, contact_id FROM tickets ORDER BY created_at LIMIT 1", logger: TestDatabases.logger)
            var found: (UUID, UUID)?
            for try await row in rows.decode((UUID, UUID).self) { found = row }
            let (ticket, contact) = try #require(found)
            var new = MessageStore.New(ticketID: ticket, contactID: contact, channel: channel.account.kind, channelAccountID: channel.account.id,
                                       direction: "outbound", authorKind: "agent", type: .text, text: "Hello from us", providerMessageID: providerID,
                                       deliveryStatus: .sent)
            new.id = UUID()
            try await MessageStore(tenant: channel.tenant).insert(new, on: connection, logger: TestDatabases.logger)
            return new.id
        }
    }

    @Test("every WhatsApp inbound type lands once on one contact and ticket; statuses only advance; bad signatures store nothing")
    func whatsappTypes() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let first = try await rig.deliver(try Self.whatsapp("text", channel), to: channel)
            #expect(first.status == 200, "\(first.body)")
            #expect(first.json["stored"] as? Int == 1)
            let ours = try await Self.outbound("wamid.OUTBOUND_MESSAGE_ID", rig: rig, channel: channel)
            for name in Self.whatsappMessages {
                let reply = try await rig.deliver(try Self.whatsapp(name, channel), to: channel)
                #expect(reply.status == 200 && reply.json["stored"] as? Int == 1, "\(name): \(reply.body)")
            }
            // Reactions show on the message they target; removing one clears it.
            #expect(try await rig.deliver(try Self.whatsapp("reaction", channel), to: channel).status == 200)
            let reacted = try await rig.db(channel.tenant) { try await MessageStore(tenant: channel.tenant).get(ours, on: $0, logger: TestDatabases.logger) }
            #expect(reacted.reactions == ["👍": .number(1)])
            #expect(try await rig.deliver(try Self.whatsapp("reaction_removed", channel), to: channel).status == 200)
            let cleared = try await rig.db(channel.tenant) { try await MessageStore(tenant: channel.tenant).get(ours, on: $0, logger: TestDatabases.logger) }
            #expect(cleared.reactions.isEmpty)

            // Statuses out of order: read, then delivered and sent (ignored), then failed (too late to fail).
            for (name, expected) in [("statuses_read", DeliveryStatus.read), ("statuses_delivered", .read), ("statuses_sent", .read),
                                     ("statuses_failed", .read)] {
                #expect(try await rig.deliver(try Self.whatsapp(name, channel), to: channel).status == 200)
                let status = try await rig.db(channel.tenant) {
                    try await MessageStore(tenant: channel.tenant).get(ours, on: $0, logger: TestDatabases.logger).deliveryStatus
                }
                #expect(status == expected, "after \(name)")
            }

            let stored = try await rig.count(channel.tenant, "SELECT count(*)::int FROM messages WHERE direction = 'inbound'")
            #expect(stored == Self.whatsappMessages.count + 1)
            let types = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("SELECT DISTINCT type FROM messages WHERE direction = 'inbound'", logger: TestDatabases.logger)
                var out = Set<String>()
                for try await type in rows.decode(String.self) { out.insert(type) }
                return out
            }
            #expect(types == ["text", "image", "audio", "voice", "video", "document", "sticker", "location", "contacts", "interactive", "button",
                              "unsupported"])
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM contacts") == 1, "one customer, one contact")
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM tickets") == 1, "one open ticket collects them")
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM attachments") == 6, "image, audio, voice, video, document, sticker")
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM jobs WHERE kind = 'media.download_attachment'") == 6)
            let reply = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("SELECT count(*)::int FROM messages WHERE reply_to_message_id = \(ours)", logger: TestDatabases.logger)
                for try await count in rows.decode(Int.self) { return count }
                return 0
            }
            #expect(reply == 1, "the reply points at the message it quotes")

            // Meta retries: nothing is stored twice.
            for name in ["text"] + Self.whatsappMessages {
                let again = try await rig.deliver(try Self.whatsapp(name, channel), to: channel)
                #expect(again.status == 200 && again.json["duplicates"] as? Int == 1, "\(name) again: \(again.body)")
            }
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM messages WHERE direction = 'inbound'") == stored)

            // A bad or missing signature: 401 and nothing stored.
            let fresh = try Self.whatsapp("text", channel).replacingOccurrences(of: "wamid.", with: "wamid.NEW")
            for signature in ["bad", "none"] {
                let refused = try await rig.deliver(fresh, to: channel, signature: signature)
                #expect(refused.status == 401, "\(signature): \(refused.body)")
            }
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM messages WHERE direction = 'inbound'") == stored)
            let events = try await rig.count(channel.tenant, "SELECT count(*)::int FROM events WHERE type = 'message.received'")
            #expect(events == stored, "one message.received event per stored message")
        }
    }

    @Test("every Instagram inbound type: story mentions and replies, shares, postbacks, reactions, echoes not duplicated, deletions")
    func instagramTypes() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.instagram)
            func fixture(_ name: String) throws -> String {
                try ChannelRig.fixture("instagram/\(name).json", replacing: ["IG_ACCOUNT_ID": channel.account.externalID ?? ""])
            }
            #expect(try await rig.deliver(try fixture("text"), to: channel).json["stored"] as? Int == 1)
            let ours = try await Self.outbound("aWdfZAG1faXRlbToxOklHTWVzc2FnZAUlEOjE3ODQxNDAwMDAwMDAwMDk5", rig: rig, channel: channel)
            for name in ["image", "story_mention", "story_reply", "share", "quick_reply", "postback", "reply", "echo"] {
                let reply = try await rig.deliver(try fixture(name), to: channel)
                #expect(reply.status == 200 && reply.json["stored"] as? Int == 1, "\(name): \(reply.body)")
            }
            #expect(try await rig.deliver(try fixture("reaction"), to: channel).status == 200)
            let reacted = try await rig.db(channel.tenant) { try await MessageStore(tenant: channel.tenant).get(ours, on: $0, logger: TestDatabases.logger) }
            #expect(!reacted.reactions.isEmpty)
            #expect(try await rig.deliver(try fixture("unreact"), to: channel).status == 200)
            #expect(try await rig.deliver(try fixture("read"), to: channel).status == 200)
            let read = try await rig.db(channel.tenant) { try await MessageStore(tenant: channel.tenant).get(ours, on: $0, logger: TestDatabases.logger) }
            #expect(read.reactions.isEmpty && read.deliveryStatus == .read)
            #expect(try await rig.deliver(try fixture("deleted"), to: channel).status == 200)
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM messages WHERE deleted_at IS NOT NULL") == 1)
            // The echo of a message sent from the Instagram app is an agent message; echoed again it is not duplicated.
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM messages WHERE direction = 'outbound' AND author_kind = 'agent'") == 2)
            #expect(try await rig.deliver(try fixture("echo"), to: channel).json["duplicates"] as? Int == 1)
            let types = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("SELECT DISTINCT type FROM messages WHERE direction = 'inbound'", logger: TestDatabases.logger)
                var out = Set<String>()
                for try await type in rows.decode(String.self) { out.insert(type) }
                return out
            }
            #expect(types.isSuperset(of: ["text", "image", "story_mention", "story_reply", "share", "quick_reply", "postback"]), "\(types)")
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM contacts") == 1)
            #expect(try await rig.deliver(try fixture("text"), to: channel, signature: "bad").status == 401)
        }
    }

    @Test("a webhook for tenant A's channel never writes into tenant B, whatever the body claims or whoever signed it")
    func crossTenant() async throws {
        try await ChannelRig.with { rig in
            let a = try await rig.connect(.whatsapp)
            let b = try await rig.connect(.whatsapp)
            // A body naming B's phone number id, signed with A's secret, sent to A's channel: A ignores it, B gets nothing.
            let claimingB = try Self.whatsapp("text", b)
            let object = try JSONSerialization.jsonObject(with: Data(claimingB.utf8))
            let viaA = try await rig.fake(.POST, "/_fake/whatsapp/webhook", [
                "phone_number_id": a.account.externalID ?? "", "body": object, "signature": "valid",
            ])
            #expect(viaA.json["status"] as? Int == 200, "\(viaA.body)")
            // Signed with B's secret but sent to A's webhook URL: refused.
            let misrouted = try await rig.fake(.POST, "/_fake/whatsapp/webhook", [
                "phone_number_id": b.account.externalID ?? "", "body": object, "signature": "valid",
                "url": "http://127.0.0.1:\(rig.port)/webhooks/whatsapp/\(a.account.id.uuidString.lowercased())",
            ])
            #expect(misrouted.json["status"] as? Int == 401)
            #expect(try await rig.count(a.tenant, "SELECT count(*)::int FROM messages") == 0)
            #expect(try await rig.count(b.tenant, "SELECT count(*)::int FROM messages") == 0)
            // Unknown channel ids and the wrong channel kind are 404.
            let unknown = try await rig.send(.POST, "http://127.0.0.1:\(rig.port)/webhooks/whatsapp/\(UUID().uuidString)", body: Data("{}".utf8))
            #expect(unknown.status == 404)
            let wrongKind = try await rig.send(.POST, "http://127.0.0.1:\(rig.port)/webhooks/instagram/\(a.account.id.uuidString)", body: Data("{}".utf8))
            #expect(wrongKind.status == 404)
            // B's own webhook lands in B only; row-level security keeps A's reads empty.
            #expect(try await rig.deliver(claimingB, to: b).json["stored"] as? Int == 1)
            #expect(try await rig.count(b.tenant, "SELECT count(*)::int FROM messages") == 1)
            #expect(try await rig.count(a.tenant, "SELECT count(*)::int FROM messages") == 0)
        }
    }

    @Test("the verification handshake echoes hub.challenge only for the channel's verify token")
    func verification() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let base = "http://127.0.0.1:\(rig.port)/webhooks/whatsapp/\(channel.account.id.uuidString.lowercased())"
            let good = try await rig.send(.GET, "\(base)?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=\(channel.secrets.verifyToken ?? "")",
                                          body: nil)
            #expect(good.status == 200 && good.body == "1158201444")
            let bad = try await rig.send(.GET, "\(base)?hub.mode=subscribe&hub.challenge=1158201444&hub.verify_token=wrong", body: nil)
            #expect(bad.status == 403 && !bad.body.contains("1158201444"))
        }
    }
}
