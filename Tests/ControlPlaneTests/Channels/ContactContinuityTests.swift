import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

/// One customer across channels: identities that link themselves (and say why), merges and their undoing, and the
/// ticket list's filters and pages.
@Suite("Contacts across channels")
struct ContactContinuityTests {
    @Test("the same person on WhatsApp, then on web chat with the same phone, is one contact with one open ticket; merge and undo")
    func continuity() async throws {
        try await ChannelRig.with { rig in
            let whatsapp = try await rig.connect(.whatsapp)
            let tenant = whatsapp.tenant
            let key = try await rig.key([.ticketsRead, .ticketsReply, .ticketsAssign, .contactsRead], whatsapp)
            #expect(try await rig.whatsappText("Hallo von WhatsApp", from: "4915112345678", to: whatsapp).status == 200)

            // The web chat visitor leaves the same phone in another notation: it links to the WhatsApp contact.
            let webchat = try await rig.db(tenant) { connection in
                try await ChannelAccountStore(tenant: tenant, keyRing: rig.identity.keyRing).create(
                    kind: .webchat, name: "Website", externalID: nil, settings: [:], secrets: ChannelSecrets(), on: connection,
                    logger: TestDatabases.logger)
            }
            let phone = try #require(IdentityClaim.normalised(kind: .phone, value: "+49 (151) 123-45678"))
            let visitor = InboundMessage(channel: .webchat, accountID: "", providerMessageID: "web-\(UUID().uuidString)",
                                         sender: [IdentityClaim(kind: .webVisitor, value: "visitor-42"), phone], profileName: "Lena",
                                         sentAt: Date(), type: .text, text: "Hallo vom Web-Chat", content: "{}")
            let outcome = try await rig.db(tenant) { connection in
                try await InboundIngestor(tenant: tenant, keyRing: rig.identity.keyRing)
                    .ingest(ChannelWebhookBatch(messages: [visitor]), account: webchat, on: connection, logger: TestDatabases.logger)
            }
            #expect(outcome.stored.count == 1)
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM contacts") == 1)
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM tickets") == 1, "the open ticket continues on the new channel")
            let ticket = try await rig.api(.GET, "/api/v1/tickets", whatsapp, headers: key)
            let first = try #require((ticket.json["tickets"] as? [[String: Any]])?.first)
            #expect(first["last_channel"] as? String == "webchat" && first["channel"] as? String == "whatsapp")
            let contactID = try #require(first["contact_id"] as? String)

            let contact = try await rig.api(.GET, "/api/v1/contacts/\(contactID)", whatsapp, headers: key)
            let identities = try #require(contact.json["identities"] as? [[String: Any]])
            let phoneIdentity = try #require(identities.first { $0["kind"] as? String == "phone" })
            #expect(phoneIdentity["value"] as? String == "+4915112345678")
            let visitorIdentity = try #require(identities.first { $0["kind"] as? String == "web_visitor" })
            #expect(visitorIdentity["link_reason"] as? String == "matched_phone")
            #expect(visitorIdentity["matched_identity_id"] as? String == phoneIdentity["id"] as? String)
            #expect((visitorIdentity["source_message_id"] as? String)?.lowercased() == outcome.stored.first?.uuidString.lowercased())
            // Identity values are sealed at rest: the database never holds the phone in clear text.
            let clear = try await rig.count(tenant, "SELECT count(*)::int FROM contact_identities WHERE position('4915112345678' in encode(value_sealed, 'escape')) > 0")
            #expect(clear == 0)
            let timeline = try await rig.api(.GET, "/api/v1/contacts/\(contactID)/timeline", whatsapp, headers: key)
            #expect((timeline.json["messages"] as? [[String: Any]])?.map { $0["channel"] as? String } == ["whatsapp", "webchat"])

            // A second contact (someone on Instagram) merged into the first, then the merge undone.
            let other = InboundMessage(channel: .webchat, accountID: "", providerMessageID: "web-\(UUID().uuidString)",
                                       sender: [IdentityClaim(kind: .webVisitor, value: "visitor-77")], sentAt: Date(), type: .text,
                                       text: "Ich bin es nochmal, anderer Browser", content: "{}")
            let otherOutcome = try await rig.db(tenant) { connection in
                try await InboundIngestor(tenant: tenant, keyRing: rig.identity.keyRing)
                    .ingest(ChannelWebhookBatch(messages: [other]), account: webchat, on: connection, logger: TestDatabases.logger)
            }
            let otherMessage = try #require(otherOutcome.stored.first)
            let otherContact = try await rig.db(tenant) { try await MessageStore(tenant: tenant).get(otherMessage, on: $0, logger: TestDatabases.logger).contactID }
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM tickets") == 2)
            let merged = try await rig.api(.POST, "/api/v1/contacts/\(contactID)/merge", whatsapp, headers: key,
                                           json: #"{"source_contact_id":"\#(otherContact.uuidString)"}"#)
            #expect(merged.status == 201, "\(merged.body)")
            let mergeID = try #require(merged.json["id"] as? String)
            #expect(try await rig.count(tenant, "SELECT count(DISTINCT contact_id)::int FROM tickets") == 1)
            let after = try await rig.api(.GET, "/api/v1/contacts/\(contactID)", whatsapp, headers: key)
            #expect((after.json["identities"] as? [[String: Any]])?.count == 4, "wa_id, phone, two visitors")
            #expect(try await rig.api(.POST, "/api/v1/contacts/\(contactID)/merge", whatsapp, headers: key,
                                      json: #"{"source_contact_id":"\#(otherContact.uuidString)"}"#).status == 409)
            let undone = try await rig.api(.POST, "/api/v1/contact-merges/\(mergeID)/undo", whatsapp, headers: key)
            #expect(undone.status == 200, "\(undone.body)")
            #expect(try await rig.count(tenant, "SELECT count(DISTINCT contact_id)::int FROM tickets") == 2)
            #expect((try await rig.api(.GET, "/api/v1/contacts/\(contactID)", whatsapp, headers: key).json["identities"] as? [[String: Any]])?.count == 3)
            #expect(try await rig.api(.POST, "/api/v1/contact-merges/\(mergeID)/undo", whatsapp, headers: key).status == 409)
            // Both are in the audit log and the event log.
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM audit_log WHERE action IN ('contact.merged', 'contact.merge_undone')") == 2)
            #expect(try await rig.count(tenant, "SELECT count(*)::int FROM events WHERE type IN ('contact.merged', 'contact.merge_undone')") == 4)
        }
    }

    @Test("ticket filters and keyset pages see each ticket once; changes append events; bad input gets problems")
    func ticketPages() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let key = try await rig.key([.ticketsRead, .ticketsReply, .ticketsAssign, .contactsRead], channel)
            for index in 0..<7 {
                #expect(try await rig.whatsappText("Frage \(index)", from: "49170000000\(index)", to: channel).status == 200)
            }
            var seen: [String] = []
            var next: String? = nil
            repeat {
                let page = try await rig.api(.GET, "/api/v1/tickets?limit=3\(next.map { "&after=\($0)" } ?? "")", channel, headers: key)
                #expect(page.status == 200, "\(page.body)")
                seen += (page.json["tickets"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
                next = page.json["next"] as? String
            } while next != nil
            #expect(seen.count == 7 && Set(seen).count == 7)
            let target = seen[2]
            // Tickets name teams that exist (docs/workspace.md, "Teams").
            try await rig.db(channel.tenant) { connection in
                _ = try await connection.query("""
                    INSERT INTO teams (tenant_id, key, name) VALUES (\(channel.tenant.rawValue), 'support', 'Support')
                    """, logger: TestDatabases.logger)
            }
            let changed = try await rig.api(.PATCH, "/api/v1/tickets/\(target)", channel, headers: key,
                                            json: #"{"status":"pending","priority":"low","tags":["Billing","vip"],"team":"support"}"#)
            #expect(changed.status == 200, "\(changed.body)")
            #expect(changed.json["tags"] as? [String] == ["billing", "vip"])
            let filtered = try await rig.api(.GET, "/api/v1/tickets?status=pending&tag=billing&team=support&channel=whatsapp", channel, headers: key)
            #expect((filtered.json["tickets"] as? [[String: Any]])?.map { $0["id"] as? String } == [Optional(target)])
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM events WHERE type IN ('ticket.status_changed', 'ticket.assigned', 'ticket.updated')") == 3)
            for bad in ["status=maybe", "assignee=nobody", "after=garbage", "limit=0", "updated_since=yesterday"] {
                let refused = try await rig.api(.GET, "/api/v1/tickets?\(bad)", channel, headers: key)
                #expect(refused.status == 400, "\(bad)")
            }
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(target)", channel, headers: key, json: #"{"status":"weird"}"#).status == 400)
            // A key without tickets.assign cannot assign.
            let agent = try await rig.key([.ticketsRead, .ticketsReply], channel)
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(target)", channel, headers: agent, json: #"{"team":"Other"}"#).status == 403)
            // A reply on a ticket of another tenant is a 404.
            let stranger = try await rig.connect(.whatsapp)
            let strangerKey = try await rig.key([.ticketsRead, .ticketsReply], stranger)
            #expect(try await rig.api(.GET, "/api/v1/tickets/\(target)", stranger, headers: strangerKey).status == 404)
        }
    }

    @Test("ticket reads honour the data scope: an agent sees only their own tickets, a supervisor their teams' and their own")
    func dataScope() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let admin = try await rig.key([.ticketsRead, .ticketsReply, .ticketsAssign], channel)
            for index in 0..<3 {
                #expect(try await rig.whatsappText("Frage \(index)", from: "49171000000\(index)", to: channel).status == 200)
            }
            let all = try await rig.api(.GET, "/api/v1/tickets", channel, headers: admin)
            let ids = try #require((all.json["tickets"] as? [[String: Any]])?.compactMap { $0["id"] as? String })
            #expect(ids.count == 3)
            func user(_ role: String, teams: [String]) async throws -> (UserID, [(String, String)]) {
                let made = try await IdentityFixtures.makeUser(rig.identity, tenant: channel.tenant, email: "\(role)-\(UUID().uuidString.prefix(6))@example.com",
                                                               password: "not used by this test", role: role, teams: teams)
                let token = try await rig.db(channel.tenant) { connection in
                    try await SessionStore().create(tenant: channel.tenant, user: made.id, stage: .active,
                                                    policy: IdentityFixtures.policy(IdentityFixtures.config()), clientAddress: nil, userAgent: nil,
                                                    on: connection, logger: TestDatabases.logger).token
                }
                return (made.id, [("Cookie", "glavito_session=\(token)")])
            }
            let (agent, agentCookie) = try await user("agent", teams: ["emea"])
            let (_, supervisorCookie) = try await user("supervisor", teams: ["emea"])
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(ids[0])", channel, headers: admin,
                                      json: #"{"assignee_id":"\#(agent.rawValue.uuidString)"}"#).status == 200)
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(ids[1])", channel, headers: admin, json: #"{"team":"emea"}"#).status == 200)
            func visible(_ headers: [(String, String)]) async throws -> Set<String> {
                let page = try await rig.api(.GET, "/api/v1/tickets", channel, headers: headers)
                return Set((page.json["tickets"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String })
            }
            #expect(try await visible(agentCookie) == [ids[0]], "an agent (scope own) sees the ticket assigned to them")
            #expect(try await visible(supervisorCookie) == [ids[1]], "a supervisor (scope teams) sees their team's ticket")
            #expect(try await rig.api(.GET, "/api/v1/tickets/\(ids[2])", channel, headers: agentCookie).status == 404)
            #expect(try await rig.api(.GET, "/api/v1/tickets/\(ids[1])/messages", channel, headers: agentCookie).status == 404)
            #expect(try await rig.api(.GET, "/api/v1/tickets/\(ids[0])", channel, headers: agentCookie).status == 200)
        }
    }
}
