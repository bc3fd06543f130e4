import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// Several webhooks committed in one transaction (the ingest queue's group commit) must have the effect of
/// ingesting them one after the other, though new messages are written set-wise.
@Suite("Channels: group commit")
struct GroupIngestTests {
    @Test("webhooks ingested together: a new customer's messages share one contact and ticket, a repeated id is stored once, replies and reactions find messages of the same group, a resolved ticket reopens once")
    func groupCommit() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let (tenant, account) = (channel.tenant, channel.account)
            let logger = TestDatabases.logger
            func text(_ id: String, from customer: String, _ body: String, replyTo: String? = nil, name: String? = nil) -> InboundMessage {
                InboundMessage(channel: .whatsapp, accountID: account.externalID ?? "", providerMessageID: id,
                               sender: [IdentityClaim(kind: .whatsapp, value: customer)], profileName: name, sentAt: Date(), type: .text,
                               text: body, replyToProviderMessageID: replyTo, content: #"{"id":"\#(id)"}"#)
            }
            // A known customer whose ticket was resolved an hour ago.
            _ = try await rig.db(tenant) { connection in
                try await InboundIngestor(tenant: tenant, keyRing: rig.identity.keyRing)
                    .ingest(ChannelWebhookBatch(messages: [text("wamid.old", from: "4917000000002", "Früher")]), account: account,
                            on: connection, logger: logger)
            }
            _ = try await rig.db(tenant) { connection in
                try await connection.query("UPDATE tickets SET status = 'resolved', resolved_at = now() - interval '1 hour'", logger: logger)
            }
            let reaction = InboundMessage(channel: .whatsapp, accountID: account.externalID ?? "", providerMessageID: "wamid.react",
                                          sender: [IdentityClaim(kind: .whatsapp, value: "4917000000001")], sentAt: Date(), type: .reaction,
                                          reaction: Reaction(targetProviderMessageID: "wamid.a1", emoji: "👍"), content: "{}")
            let webhooks: [[InboundMessage]] = [
                [text("wamid.a1", from: "4917000000001", "Hallo", name: "")],
                [text("wamid.a2", from: "4917000000001", "Noch da?", replyTo: "wamid.a1", name: "Anna")],
                [text("wamid.a2", from: "4917000000001", "Noch da?", replyTo: "wamid.a1", name: "Anna")],
                [reaction],
                [text("wamid.b1", from: "4917000000002", "Ich schon wieder"), text("wamid.b2", from: "4917000000002", "Und nochmal")],
            ]
            let outcomes = try await rig.db(tenant) { connection in
                try await InboundIngestor(tenant: tenant, keyRing: rig.identity.keyRing)
                    .ingest(webhooks.map { (ChannelWebhookBatch(messages: $0), account) }, on: connection, logger: logger)
            }
            #expect(outcomes.map(\.stored.count) == [1, 1, 0, 0, 2])
            #expect(outcomes.map(\.duplicates) == [0, 0, 1, 0, 0])
            #expect(outcomes[3].updates == 1, "the reaction found the message stored earlier in the same group")
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM contacts") == 2)
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM tickets") == 2)
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM tickets WHERE status = 'open'") == 2)
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM contacts WHERE display_name = 'Anna'") == 1,
                    "the contact created without a name takes the name a later message of the group brought")
            #expect(try await rig.count(tenant, """
                SELECT count(*)::int FROM messages r JOIN messages o ON r.reply_to_message_id = o.id
                WHERE r.provider_message_id = 'wamid.a2' AND o.provider_message_id = 'wamid.a1'
                """) == 1)
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM messages WHERE provider_message_id = 'wamid.a1' AND reactions <> '{}'::jsonb") == 1)
            let types = try await rig.db(tenant) { connection in
                let rows = try await connection.query("SELECT type, stream, version FROM events ORDER BY stream, version", logger: logger)
                var out: [(String, String, Int)] = []
                for try await row in rows.decode((String, String, Int).self) { out.append(row) }
                return out
            }
            #expect(types.filter { $0.0 == "ticket.created" }.count == 2, "one for the old customer's first ticket, one for the new customer")
            #expect(types.filter { $0.0 == "ticket.reopened" }.count == 1)
            #expect(types.filter { $0.0 == "contact.created" }.count == 2)
            #expect(types.filter { $0.0 == "message.received" }.count == 5)
            #expect(types.filter { $0.0 == "message.reacted" }.count == 1)
            // Each stream's versions count 1, 2, 3, … without gaps.
            for stream in Set(types.map(\.1)) {
                #expect(types.filter { $0.1 == stream }.map(\.2) == Array(1...types.filter { $0.1 == stream }.count))
            }
            // The customer-service window moved once per customer, to the latest message.
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM channel_windows") == 2)
        }
    }
}
