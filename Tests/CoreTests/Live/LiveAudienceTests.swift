import Foundation
import Testing

@testable import GlavitoCore

/// The visibility contract of live updates, on prepared events (no database).
@Suite("Live audience and cursor")
struct LiveAudienceTests {
    static let tenant = TenantID(UUID())
    static let me = UserID(UUID())
    static let someoneElse = UserID(UUID())

    static func principal(_ permissions: Set<Permission>, scope: DataScope, user: UserID? = me, teams: Set<String> = []) -> Principal {
        Principal(tenant: tenant, userID: user, email: nil, displayName: "t", roleKey: "custom", permissions: permissions,
                  dataScope: scope, teams: teams, credential: .apiKey(id: "k"))
    }

    static func event(_ stream: String, assignee: UserID?, team: String?, tenant: TenantID = tenant) -> LiveEvent {
        var data: [String: Any] = [:]
        if let assignee { data["assignee_id"] = assignee.description }
        if let team { data["team_id"] = team }
        let json = String(decoding: try! JSONSerialization.data(withJSONObject: data), as: UTF8.self)
        return LiveEvent(RecordedEvent(tenant: tenant, stream: stream, version: 1, partition: 3, position: 9, type: "ticket.updated",
                                       data: json, metadata: "{}", recordedAt: Date()))
    }

    @Test("data scope own, teams and all decide which ticket events a reader sees, by assignee_id and team_id")
    func scopes() {
        let mine = Self.event("ticket/1", assignee: Self.me, team: nil)
        let teamQueue = Self.event("ticket/1", assignee: nil, team: "billing")
        let theirs = Self.event("ticket/1", assignee: Self.someoneElse, team: "sales")
        let own = LiveAudience(principal: Self.principal([.ticketsRead], scope: .own), requested: ["ticket/1", "inbox"])
        #expect(own.match(mine) == .init(topics: ["ticket/1", "inbox"], full: true))
        #expect(own.match(teamQueue) == nil)
        #expect(own.match(theirs) == nil)
        let teams = LiveAudience(principal: Self.principal([.ticketsRead], scope: .teams, teams: ["billing"]), requested: ["ticket/1", "inbox"])
        #expect(teams.match(teamQueue) == .init(topics: ["ticket/1", "inbox"], full: true))
        #expect(teams.match(theirs) == nil)
        let all = LiveAudience(principal: Self.principal([.ticketsRead], scope: .all), requested: ["ticket/1", "inbox"])
        #expect(all.match(theirs) == .init(topics: ["ticket/1"], full: true), "readable, but not in my inbox")
        #expect(all.match(Self.event("ticket/2", assignee: Self.me, team: nil)) == .init(topics: ["inbox"], full: true))
        #expect(all.match(Self.event("ticket/1", assignee: nil, team: nil, tenant: TenantID(UUID()))) == nil, "another tenant's")
        #expect(all.match(Self.event("user/1", assignee: Self.me, team: nil)) == nil, "not a ticket stream")
    }

    @Test("topics need their permission; the dashboard gets unreadable events without their data")
    func permissions() {
        let none = LiveAudience(principal: Self.principal([.analyticsView], scope: .all), requested: ["ticket/1", "inbox", "dashboard", "bogus!"])
        #expect(none.topics == [.dashboard])
        #expect(none.refused.map(\.topic) == ["ticket/1", "inbox", "bogus!"])
        let event = Self.event("ticket/1", assignee: Self.someoneElse, team: nil)
        #expect(none.match(event) == .init(topics: ["dashboard"], full: false))
        #expect(!event.reducedJSON.contains("assignee_id"))
        #expect(event.fullJSON.contains(Self.someoneElse.description))
        let keyWithoutUser = LiveAudience(principal: Self.principal([.ticketsRead], scope: .own, user: nil), requested: ["inbox", "ticket/1"])
        #expect(keyWithoutUser.topics == [.ticket("1")])
        #expect(keyWithoutUser.match(event) == nil)
    }

    @Test("a cursor survives its text form and refuses text it did not issue")
    func cursor() {
        var cursor = EventCursor([0: 5, 15: 1_000_000_000_000])
        cursor.advance(partition: 3, to: 7)
        cursor.advance(partition: 3, to: 2)
        #expect(cursor.position(3) == 7)
        #expect(EventCursor(cursor.description) == cursor)
        #expect(cursor.covers(partition: 0, position: 5))
        #expect(!cursor.covers(partition: 1, position: 1))
        #expect(EventCursor("c1.5.0.0.7") == EventCursor([0: 5, 3: 7]))
        #expect(EventCursor("c1.") == EventCursor())
        #expect(EventCursor("c1.1.x") == nil)
        #expect(EventCursor("c1.1.-1") == nil)
        #expect(EventCursor("1.2") == nil)
    }
}
