import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@testable import ControlPlane

/// `/api/v1/events` on a live control plane, followed with an API key as an integration would.
@Suite("Event replay API")
struct EventsControllerTests {
    static func object(_ body: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any])
    }

    @Test("an integration pages through its tenant's events with the next cursor, reads one stream, and gets problems for bad input")
    func replay() async throws {
        try await TestSite.with { dbs, site, _, _ in
            let other = try await dbs.makeTenant(prefix: "evapi").id
            for index in 1...5 {
                try await dbs.app.withTenantTransaction(site.tenant) { connection in
                    try await EventStore.append([NewEvent(type: "ticket.updated", data: #"{"n":\#(index),"note":"line\nbreak \"q\""}"#)],
                                                to: "ticket/\(index % 2)", tenant: site.tenant, on: connection, logger: TestDatabases.logger)
                }
                try await dbs.app.withTenantTransaction(other) { connection in
                    try await EventStore.append([NewEvent(type: "ticket.updated", data: "{}")], to: "ticket/secret",
                                                tenant: other, on: connection, logger: TestDatabases.logger)
                }
            }
            let admin = try await JobsControllerTests.key([.adminSettings], tenant: site.tenant, dbs: dbs)
            let json = "application/json"

            var after = ""
            var seen: [[String: Any]] = []
            for _ in 0..<10 {
                let reply = try await site.send(.GET, "/api/v1/events?limit=2" + after, headers: admin, accept: json)
                #expect(reply.status == 200)
                let page = try Self.object(reply.body)
                let events = try #require(page["events"] as? [[String: Any]])
                if events.isEmpty { break }
                seen += events
                after = "&after=" + (try #require(page["next"] as? String))
            }
            #expect(seen.count == 5)
            #expect(seen.allSatisfy { ($0["stream"] as? String)?.hasPrefix("ticket/") == true && $0["stream"] as? String != "ticket/secret" })
            #expect(Set(seen.compactMap { ($0["data"] as? [String: Any])?["n"] as? Int }) == [1, 2, 3, 4, 5])
            #expect((seen.first?["data"] as? [String: Any])?["note"] as? String == "line\nbreak \"q\"")

            let stream = try await site.send(.GET, "/api/v1/events/stream?name=ticket/1&from_version=2", headers: admin, accept: json)
            #expect(stream.status == 200)
            let streamEvents = try #require(try Self.object(stream.body)["events"] as? [[String: Any]])
            #expect(streamEvents.map { $0["version"] as? Int } == [2, 3])
            let foreign = try await site.send(.GET, "/api/v1/events/stream?name=ticket/secret", headers: admin, accept: json)
            #expect((try Self.object(foreign.body)["events"] as? [Any])?.isEmpty == true, "another tenant's stream reads as empty")

            for bad in ["/api/v1/events?after=nonsense", "/api/v1/events?limit=0", "/api/v1/events/stream", "/api/v1/events/stream?name=x&from_version=0"] {
                let reply = try await site.send(.GET, bad, headers: admin, accept: json)
                #expect(reply.status == 400, "\(bad)")
                #expect(reply.header("Content-Type") == "application/problem+json")
            }
            let reader = try await JobsControllerTests.key([.ticketsRead], tenant: site.tenant, dbs: dbs)
            #expect(try await site.send(.GET, "/api/v1/events", headers: reader, accept: json).status == 403)
            #expect(try await site.send(.GET, "/api/v1/events", accept: json).status == 401)
        }
    }
}
