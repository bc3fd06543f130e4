import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing
@testable import ControlPlane

/// Teams as records (create, rename, members, delete, audit, tenancy), custom fields of contacts, and the
/// ticket list's team and custom-field filters.
@Suite("Teams, contact fields and field filters")
struct TeamsAPITests {
    static func tickets(_ reply: ChannelRig.Reply) -> [[String: Any]] {
        reply.json["tickets"] as? [[String: Any]] ?? []
    }

    @Test("teams: create, rename, members and delete are audited; unknown teams are refused; another tenant sees none")
    func teams() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            #expect(try await rig.whatsappText("Rechnung fehlt", from: "4915100000011", name: "Lena", to: channel).status == 200)
            #expect(try await rig.whatsappText("Neues Abo", from: "4915100000012", name: "Tom", to: channel).status == 200)
            let (adminID, admin) = try await WorkspaceAPITests.agent(rig, channel, name: "ada")

            let created = try await rig.api(.POST, "/api/v1/teams", channel, headers: admin, json: #"{"key":"billing","name":"Billing"}"#)
            #expect(created.status == 201, "\(created.body)")
            #expect(try await rig.api(.POST, "/api/v1/teams", channel, headers: admin, json: #"{"key":"sales","name":"Sales"}"#).status == 201)
            #expect(try await rig.api(.POST, "/api/v1/teams", channel, headers: admin, json: #"{"key":"billing","name":"Again"}"#).status == 409)
            let badKey = try await rig.api(.POST, "/api/v1/teams", channel, headers: admin, json: #"{"key":"Bad Key","name":"x"}"#)
            #expect(badKey.status == 400 && (badKey.json["detail"] as? String)?.contains("key") == true)
            let renamed = try await rig.api(.PATCH, "/api/v1/teams/billing", channel, headers: admin, json: #"{"name":"Billing & refunds"}"#)
            #expect(renamed.json["name"] as? String == "Billing & refunds", "\(renamed.body)")
            let members = try await rig.api(.PUT, "/api/v1/teams/billing/members", channel, headers: admin,
                                             json: #"{"user_ids":["\#(adminID.uuidString)"]}"#)
            #expect(members.json["member_count"] as? Int == 1, "\(members.body)")
            let strangers = try await rig.api(.PUT, "/api/v1/teams/billing/members", channel, headers: admin, json: #"{"user_ids":["\#(UUID())"]}"#)
            #expect(strangers.status == 400)
            let listed = try await rig.api(.GET, "/api/v1/teams", channel, headers: admin)
            let teams = try #require(listed.json["teams"] as? [[String: Any]])
            #expect(teams.compactMap { $0["key"] as? String } == ["billing", "sales"])
            #expect((teams.first?["members"] as? [String])?.first?.lowercased() == adminID.uuidString.lowercased())

            // Tickets name existing teams only; the list filters by several teams at once ("my teams").
            let all = Self.tickets(try await rig.api(.GET, "/api/v1/tickets", channel, headers: admin))
            let ids = all.compactMap { $0["id"] as? String }
            #expect(ids.count == 2)
            let unknown = try await rig.api(.PATCH, "/api/v1/tickets/\(ids[0])", channel, headers: admin, json: #"{"team":"nope"}"#)
            #expect(unknown.status == 422, "\(unknown.body)")
            #expect((unknown.json["type"] as? String)?.hasSuffix("/unknown-team") == true)
            #expect((unknown.json["detail"] as? String)?.contains("there is no team nope") == true)
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(ids[0])", channel, headers: admin, json: #"{"team":"billing"}"#).status == 200)
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(ids[1])", channel, headers: admin, json: #"{"team":"sales"}"#).status == 200)
            #expect(Self.tickets(try await rig.api(.GET, "/api/v1/tickets?team=billing&team=sales", channel, headers: admin)).count == 2)
            #expect(Self.tickets(try await rig.api(.GET, "/api/v1/tickets?team=billing", channel, headers: admin)).count == 1)

            // A team with an open ticket is not deleted; once the ticket is closed it is, and leaves its members.
            let refused = try await rig.api(.DELETE, "/api/v1/teams/billing", channel, headers: admin)
            #expect(refused.status == 409 && (refused.json["detail"] as? String)?.contains("1 unresolved ticket") == true, "\(refused.body)")
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(ids[0])", channel, headers: admin, json: #"{"status":"closed"}"#).status == 200)
            #expect(try await rig.api(.DELETE, "/api/v1/teams/billing", channel, headers: admin).status == 204)
            #expect(try await rig.api(.DELETE, "/api/v1/teams/billing", channel, headers: admin).status == 404)
            #expect(try await rig.count(channel.tenant, "SELECT count(*)::int FROM users WHERE 'billing' = ANY(teams)") == 0)
            let actions = try await rig.db(channel.tenant) { connection in
                let rows = try await connection.query("""
                    SELECT action FROM audit_log WHERE target = 'team:billing' ORDER BY seq
                    """, logger: TestDatabases.logger)
                var out: [String] = []
                for try await action in rows.decode(String.self) { out.append(action) }
                return out
            }
            #expect(actions == ["team.created", "team.updated", "team.members_set", "team.deleted"], "the refused attempts left no entry")

            // A key seeded from an old label (not a slug) is reached percent-encoded.
            try await rig.db(channel.tenant) { connection in
                _ = try await connection.query("""
                    INSERT INTO teams (tenant_id, key, name) VALUES (\(channel.tenant.rawValue), 'Legacy Sales', 'Legacy')
                    """, logger: TestDatabases.logger)
            }
            let legacy = try await rig.api(.PATCH, "/api/v1/teams/Legacy%20Sales", channel, headers: admin, json: #"{"name":"Sales (old)"}"#)
            #expect(legacy.status == 200 && legacy.json["key"] as? String == "Legacy Sales", "\(legacy.body)")

            // Without admin.teams: the list, not the changes.
            let reader = try await rig.key([.ticketsRead], channel)
            #expect(try await rig.api(.GET, "/api/v1/teams", channel, headers: reader).status == 200)
            #expect(try await rig.api(.POST, "/api/v1/teams", channel, headers: reader, json: #"{"key":"x","name":"X"}"#).status == 403)

            // Another tenant neither sees nor changes these teams, and row-level security hides the rows.
            let other = try await rig.connect(.whatsapp)
            let (_, otherAdmin) = try await WorkspaceAPITests.agent(rig, other, name: "bob")
            #expect((try await rig.api(.GET, "/api/v1/teams", other, headers: otherAdmin).json["teams"] as? [Any])?.isEmpty == true)
            #expect(try await rig.api(.PATCH, "/api/v1/teams/sales", other, headers: otherAdmin, json: #"{"name":"Mine"}"#).status == 404)
            #expect(try await rig.count(other.tenant, "SELECT count(*)::int FROM teams") == 0)
        }
    }

    @Test("contact fields: invalid attribute values are refused with the reason, valid ones and free attributes are stored")
    func contactFields() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            #expect(try await rig.whatsappText("Hallo", from: "4915100000013", to: channel).status == 200)
            let (_, admin) = try await WorkspaceAPITests.agent(rig, channel, name: "cleo")
            let field = #"{"key":"customer_no","label":"Customer number","type":"text","pattern":"C[0-9]{5}","entity":"contact"}"#
            #expect(try await rig.api(.POST, "/api/v1/contact-fields", channel, headers: admin, json: field).status == 201)
            #expect(try await rig.api(.POST, "/api/v1/contact-fields", channel, headers: admin,
                                      json: #"{"key":"tier","label":"Tier","type":"select","options":["gold","silver"]}"#).status == 201)
            let fields = try await rig.api(.GET, "/api/v1/contact-fields", channel, headers: admin)
            #expect((fields.json["fields"] as? [[String: Any]])?.compactMap { $0["key"] as? String } == ["customer_no", "tier"])
            #expect((fields.json["fields"] as? [[String: Any]])?.first?["entity"] as? String == "contact")
            #expect((try await rig.api(.GET, "/api/v1/ticket-fields", channel, headers: admin).json["fields"] as? [Any])?.isEmpty == true)

            let ticket = try #require(Self.tickets(try await rig.api(.GET, "/api/v1/tickets", channel, headers: admin)).first)
            let contact = try #require(ticket["contact_id"] as? String)
            func patch(_ json: String) async throws -> ChannelRig.Reply {
                try await rig.api(.PATCH, "/api/v1/contacts/\(contact)", channel, headers: admin, json: json)
            }
            let wrong = try await patch(#"{"attributes":{"customer_no":"123"}}"#)
            #expect(wrong.status == 400 && (wrong.json["type"] as? String)?.hasSuffix("/invalid-request") == true)
            #expect(wrong.json["detail"] as? String == "Customer number must match the pattern C[0-9]{5}", "\(wrong.body)")
            #expect(try await patch(#"{"attributes":{"tier":"bronze"}}"#).json["detail"] as? String == "Tier must be one of gold, silver")
            let saved = try await patch(#"{"attributes":{"customer_no":"C12345","tier":"gold","crm_id":"x-1"}}"#)
            #expect(saved.status == 200, "\(saved.body)")
            let attributes = saved.json["attributes"] as? [String: Any]
            #expect(attributes?["customer_no"] as? String == "C12345" && attributes?["crm_id"] as? String == "x-1")
            #expect(try await rig.api(.DELETE, "/api/v1/contact-fields/tier", channel, headers: admin).status == 204)
            #expect(try await rig.api(.DELETE, "/api/v1/ticket-fields/customer_no", channel, headers: admin).status == 404,
                    "a contact field is not a ticket field")
        }
    }

    @Test("the ticket list filters by custom field values; saved filters keep a field filter")
    func fieldFilters() async throws {
        try await ChannelRig.with { rig in
            let channel = try await rig.connect(.whatsapp)
            #expect(try await rig.whatsappText("Eins", from: "4915100000014", to: channel).status == 200)
            #expect(try await rig.whatsappText("Zwei", from: "4915100000015", to: channel).status == 200)
            let (_, admin) = try await WorkspaceAPITests.agent(rig, channel, name: "dora")
            #expect(try await rig.api(.POST, "/api/v1/ticket-fields", channel, headers: admin,
                                      json: #"{"key":"order_number","label":"Order number","type":"text"}"#).status == 201)
            #expect(try await rig.api(.POST, "/api/v1/ticket-fields", channel, headers: admin,
                                      json: #"{"key":"vip","label":"VIP","type":"boolean"}"#).status == 201)
            #expect(try await rig.api(.POST, "/api/v1/ticket-fields", channel, headers: admin,
                                      json: #"{"key":"items","label":"Items","type":"number"}"#).status == 201)
            let ids = Self.tickets(try await rig.api(.GET, "/api/v1/tickets", channel, headers: admin)).compactMap { $0["id"] as? String }
            #expect(ids.count == 2)
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(ids[0])", channel, headers: admin,
                                      json: #"{"custom_fields":{"order_number":"A-1","vip":true,"items":3}}"#).status == 200)
            #expect(try await rig.api(.PATCH, "/api/v1/tickets/\(ids[1])", channel, headers: admin,
                                      json: #"{"custom_fields":{"order_number":"A-2","vip":false}}"#).status == 200)
            func listed(_ query: String) async throws -> [String] {
                Self.tickets(try await rig.api(.GET, "/api/v1/tickets?\(query)", channel, headers: admin)).compactMap { $0["id"] as? String }
            }
            #expect(try await listed("field.order_number=A-1") == [ids[0]])
            #expect(try await listed("field.vip=false") == [ids[1]])
            #expect(try await listed("field.items=3&field.vip=true") == [ids[0]])
            #expect(try await listed("field.order_number=A-9").isEmpty)
            let unknown = try await rig.api(.GET, "/api/v1/tickets?field.colour=red", channel, headers: admin)
            #expect(unknown.status == 400 && unknown.json["detail"] as? String == "there is no custom field colour")
            #expect(try await rig.api(.GET, "/api/v1/tickets?field.items=many", channel, headers: admin).status == 400)
            // The filter's containment can be answered by the GIN index (asked as the owner, without the tenant
            // condition that other indexes answer too, and with plain scans off: on these few rows anything is cheap).
            let plan = try await rig.dbs.owner.withTransaction { connection in
                _ = try await connection.query("SET LOCAL enable_seqscan = off", logger: TestDatabases.logger)
                _ = try await connection.query("SET LOCAL enable_indexscan = off", logger: TestDatabases.logger)
                let rows = try await connection.query("""
                    EXPLAIN SELECT id FROM tickets WHERE custom_fields @> '{"order_number":"A-1"}'::jsonb
                    """, logger: TestDatabases.logger)
                var lines: [String] = []
                for try await line in rows.decode(String.self) { lines.append(line) }
                return lines.joined(separator: "\n")
            }
            #expect(plan.contains("tickets_custom_fields"), "\(plan)")
            let saved = try await rig.api(.POST, "/api/v1/saved-filters", channel, headers: admin,
                                          json: #"{"name":"Order A-1","view":"all","filters":{"field.order_number":"A-1"}}"#)
            #expect(saved.status == 201, "\(saved.body)")
            #expect((saved.json["filters"] as? [String: String])?["field.order_number"] == "A-1")
        }
    }
}
