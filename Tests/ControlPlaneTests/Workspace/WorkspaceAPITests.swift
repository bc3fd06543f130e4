import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing
@testable import ControlPlane

/// The workspace's own APIs: text search over tickets, view counts, the reply preview, presence with its events,
/// and problems on bad input.
@Suite("Workspace APIs")
struct WorkspaceAPITests {
    /// A signed-in agent of the channel's tenant: the cookie and CSRF headers a browser would send.
    static func agent(_ rig: ChannelRig, _ channel: ChannelRig.Channel, name: String) async throws -> (UUID, [(String, String)]) {
        let made = try await IdentityFixtures.makeUser(rig.identity, tenant: channel.tenant, email: "\(name)-\(UUID().uuidString.prefix(6))@example.com",
                                                       password: "not used by this test", role: "admin")
        let (token, csrf) = try await rig.db(channel.tenant) { connection in
            let token = try await SessionStore().create(tenant: channel.tenant, user: made.id, stage: .active,
                                                        policy: IdentityFixtures.policy(IdentityFixtures.config()), clientAddress: nil, userAgent: nil,
                                                        on: connection, logger: TestDatabases.logger).token
            let rows = try await connection.query("SELECT csrf_token FROM sessions WHERE user_id = \(made.id.rawValue)", logger: TestDatabases.logger)
            var csrf = ""
            for try await value in rows.decode(String.self) { csrf = value }
            return (token, csrf)
        }
        return (made.id.rawValue, [("Cookie", "glavito_session=\(token)"), ("X-CSRF-Token", csrf), ("Sec-Fetch-Site", "same-origin")])
    }

    @Test("saved filters belong to their agent; an API key has none; bad views and unknown filters are refused")
    func savedFilters() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let (_, first) = try await Self.agent(rig, channel, name: "ana")
            let (_, second) = try await Self.agent(rig, channel, name: "ben")
            let saved = try await rig.api(.POST, "/api/v1/saved-filters", channel, headers: first,
                                          json: #"{"name":"Urgent WhatsApp","view":"all","filters":{"priority":"urgent","channel":"whatsapp"}}"#)
            #expect(saved.status == 201, "\(saved.body)")
            let mine = try await rig.api(.GET, "/api/v1/saved-filters", channel, headers: first)
            #expect((mine.json["saved_filters"] as? [[String: Any]])?.first?["name"] as? String == "Urgent WhatsApp")
            let theirs = try await rig.api(.GET, "/api/v1/saved-filters", channel, headers: second)
            #expect((theirs.json["saved_filters"] as? [Any])?.isEmpty == true)
            let id = try #require(saved.json["id"] as? String)
            #expect(try await rig.api(.DELETE, "/api/v1/saved-filters/\(id)", channel, headers: second).status == 404)
            let badView = try await rig.api(.POST, "/api/v1/saved-filters", channel, headers: first, json: #"{"name":"x","view":"everything","filters":{}}"#)
            #expect(badView.status == 400 && badView.body.contains("view must be one of"))
            let unknown = try await rig.api(.POST, "/api/v1/saved-filters", channel, headers: first, json: #"{"name":"x","view":"all","filters":{"colour":"red"}}"#)
            #expect(unknown.status == 400 && unknown.body.contains("unknown filter"))
            let key = try await rig.key([.ticketsRead], channel)
            #expect(try await rig.api(.GET, "/api/v1/saved-filters", channel, headers: key).status == 400)
            #expect(try await rig.api(.DELETE, "/api/v1/saved-filters/\(id)", channel, headers: first).status == 204)
        }
    }

    @Test("search, counts, preview and presence; problems on bad input")
    func workspaceAPIs() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            #expect(try await rig.whatsappText("Wo ist meine Bestellung?", from: "4915100000001", name: "Lena", to: channel).status == 200)
            #expect(try await rig.whatsappText("Rechnung bitte", from: "4915100000002", name: "Tom", to: channel).status == 200)
            let (_, first) = try await Self.agent(rig, channel, name: "ana")
            let (secondID, second) = try await Self.agent(rig, channel, name: "ben")

            let found = try await rig.api(.GET, "/api/v1/tickets?q=bestellung", channel, headers: first)
            let tickets = try #require(found.json["tickets"] as? [[String: Any]])
            #expect(tickets.count == 1)
            let ticket = try #require(tickets.first?["id"] as? String)
            let contact = try #require(tickets.first?["contact_id"] as? String).lowercased()
            #expect((found.json["contacts"] as? [String: String])?[contact] == "Lena")
            #expect(try await rig.api(.GET, "/api/v1/tickets?q=\(String(repeating: "x", count: 201))", channel, headers: first).status == 400)

            let counts = try await rig.api(.GET, "/api/v1/workspace/counts", channel, headers: first)
            #expect(counts.json["all"] as? Int == 2 && counts.json["unassigned"] as? Int == 2 && counts.json["mine"] as? Int == 0)

            let preview = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/preview", channel, headers: first, json: #"{"text":"**Danke** _sehr_"}"#)
            #expect(preview.json["text"] as? String == "*Danke* _sehr_", "\(preview.body)")
            #expect((preview.json["html"] as? String)?.contains("<strong>Danke</strong>") == true, "\(preview.body)")
            let badPreview = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/preview", channel, headers: first, json: #"{"txt":1}"#)
            #expect(badPreview.status == 400 && badPreview.json["type"] != nil)

            let messages = try await rig.api(.GET, "/api/v1/tickets/\(ticket)/messages", channel, headers: first)
            #expect(((messages.json["messages"] as? [[String: Any]])?.first?["html"] as? String) == "Wo ist meine Bestellung?")

            // Presence: the first viewer joins (an event), the second sees them; typing is an event too.
            let joined = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/presence", channel, headers: first, json: #"{"typing":false}"#)
            #expect(joined.status == 200, "\(joined.body)")
            let seen = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/presence", channel, headers: second, json: #"{"typing":true}"#)
            let viewers = try #require(seen.json["viewers"] as? [[String: Any]])
            #expect(viewers.count == 2)
            #expect(viewers.contains { ($0["user_id"] as? String)?.lowercased() == secondID.uuidString.lowercased() && $0["typing"] as? Bool == true })
            _ = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/presence", channel, headers: first, json: #"{"typing":false}"#)
            let types = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("""
                    SELECT type FROM events WHERE stream = \("ticket/\(ticket.lowercased())") AND type LIKE 'agent.%' ORDER BY version
                    """, logger: TestDatabases.logger)
                var out: [String] = []
                for try await type in rows.decode(String.self) { out.append(type) }
                return out
            }
            #expect(types == ["agent.viewing", "agent.viewing", "agent.typing"], "a heartbeat of someone already there appends nothing")
            #expect(try await rig.api(.DELETE, "/api/v1/tickets/\(ticket)/presence", channel, headers: second).status == 204)
            let after = try await rig.api(.GET, "/api/v1/tickets/\(ticket)/presence", channel, headers: first)
            #expect((after.json["viewers"] as? [[String: Any]])?.count == 1)
            let key = try await rig.key([.ticketsRead], channel)
            let byKey = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/presence", channel, headers: key, json: "{}")
            #expect(byKey.status == 403 && byKey.json["type"] != nil, "API keys have no presence")
            let noCSRF = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/presence", channel, headers: Array(first.prefix(1)), json: "{}")
            #expect(noCSRF.status == 403)

            // A note that @mentions the second agent appends note.mentioned with their id; one without a mention does not.
            let handle = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("SELECT display_name FROM users WHERE id = \(secondID)", logger: TestDatabases.logger)
                for try await name in rows.decode(String.self) { return name }
                return ""
            }
            let note = try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: first,
                                         json: #"{"type":"note","text":"@\#(handle) bitte übernehmen, @nobody"}"#)
            #expect(note.status == 201, "\(note.body)")
            #expect(try await rig.api(.POST, "/api/v1/tickets/\(ticket)/messages", channel, headers: first,
                                      json: #"{"type":"note","text":"mail me at a@b.c"}"#).status == 201)
            let mentions = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("""
                    SELECT data->>'mentioned_user_ids' FROM events WHERE stream = \("ticket/\(ticket.lowercased())") AND type = 'note.mentioned'
                    """, logger: TestDatabases.logger)
                var out: [String] = []
                for try await ids in rows.decode(String.self) { out.append(ids) }
                return out
            }
            #expect(mentions == [secondID.uuidString.lowercased()])
            #expect(NoteMentions.handles(in: "hi @Ana., see @ben-1 and mail x@y.z") == ["ana", "ben-1"])
        }
    }

    @Test("custom ticket fields: admins define them with rules, invalid values are refused with the reason")
    func customFields() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            #expect(try await rig.whatsappText("Hallo", from: "4915100000003", to: channel).status == 200)
            let (_, admin) = try await Self.agent(rig, channel, name: "ada")
            let tickets = try await rig.api(.GET, "/api/v1/tickets", channel, headers: admin)
            let ticket = try #require((tickets.json["tickets"] as? [[String: Any]])?.first?["id"] as? String)
            let field = #"{"key":"order_number","label":"Order number","type":"text","required":false,"pattern":"[A-Z]-[0-9]{4}","options":[]}"#
            #expect(try await rig.api(.POST, "/api/v1/ticket-fields", channel, headers: admin, json: field).status == 201)
            let badDefinition = try await rig.api(.POST, "/api/v1/ticket-fields", channel, headers: admin,
                                                  json: #"{"key":"Bad Key","label":"x","type":"text","required":false,"options":[]}"#)
            #expect(badDefinition.status == 400 && (badDefinition.json["detail"] as? String)?.contains("key") == true)
            let select = #"{"key":"reason","label":"Reason","type":"select","required":true,"options":["refund","delivery"]}"#
            #expect(try await rig.api(.POST, "/api/v1/ticket-fields", channel, headers: admin, json: select).status == 201)
            let listed = try await rig.api(.GET, "/api/v1/ticket-fields", channel, headers: admin)
            #expect((listed.json["fields"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["order_number", "reason"])

            func patch(_ json: String) async throws -> ChannelRig.Reply {
                try await rig.api(.PATCH, "/api/v1/tickets/\(ticket)", channel, headers: admin, json: json)
            }
            let wrong = try await patch(#"{"custom_fields":{"order_number":"123"}}"#)
            #expect(wrong.status == 400)
            #expect(wrong.json["detail"] as? String == "Order number must match the pattern [A-Z]-[0-9]{4}", "\(wrong.body)")
            #expect(try await patch(#"{"custom_fields":{"reason":"other"}}"#).json["detail"] as? String == "Reason must be one of refund, delivery")
            #expect(try await patch(#"{"custom_fields":{"reason":null}}"#).json["detail"] as? String == "Reason is required")
            #expect(try await patch(#"{"custom_fields":{"nope":1}}"#).json["detail"] as? String == "there is no custom field nope")
            let saved = try await patch(#"{"custom_fields":{"order_number":"A-1001","reason":"refund"}}"#)
            #expect(saved.status == 200, "\(saved.body)")
            #expect((saved.json["custom_fields"] as? [String: Any])?["order_number"] as? String == "A-1001")
            #expect(try await rig.api(.DELETE, "/api/v1/ticket-fields/reason", channel, headers: admin).status == 204)
            #expect(try await rig.api(.DELETE, "/api/v1/ticket-fields/reason", channel, headers: admin).status == 404)
        }
    }

    @Test("canned responses: admins add them, agents list them; bad input and taken shortcuts are problems")
    func cannedResponses() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            let (_, admin) = try await Self.agent(rig, channel, name: "cara")
            let body = #"{"shortcut":"thanks","title":"Thanks","body":"Thank you, {{contact.name}}! {{agent.name}}"}"#
            let created = try await rig.api(.POST, "/api/v1/canned-responses", channel, headers: admin, json: body)
            #expect(created.status == 201, "\(created.body)")
            #expect(try await rig.api(.POST, "/api/v1/canned-responses", channel, headers: admin, json: body).status == 409)
            let bad = try await rig.api(.POST, "/api/v1/canned-responses", channel, headers: admin,
                                        json: #"{"shortcut":"Not Ok","title":"x","body":"y"}"#)
            #expect(bad.status == 400 && (bad.json["detail"] as? String)?.contains("shortcut") == true)
            let agentKey = try await rig.key([.ticketsRead, .ticketsReply], channel)
            let listed = try await rig.api(.GET, "/api/v1/canned-responses", channel, headers: agentKey)
            #expect((listed.json["canned_responses"] as? [[String: Any]])?.first?["shortcut"] as? String == "thanks")
            #expect(try await rig.api(.POST, "/api/v1/canned-responses", channel, headers: agentKey, json: body).status == 403)
            let id = try #require(created.json["id"] as? String)
            #expect(try await rig.api(.DELETE, "/api/v1/canned-responses/\(id)", channel, headers: admin).status == 204)
            #expect(try await rig.api(.DELETE, "/api/v1/canned-responses/\(id)", channel, headers: admin).status == 404)
        }
    }
}
