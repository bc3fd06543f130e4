import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Event cursors and tenant reads")
struct EventCursorTests {
    @Test("a cursor round-trips through its token and refuses anything else")
    func tokens() {
        let cursor = EventCursor(positions: [3, 0, 12, 0, 0])
        #expect(cursor.description == "c1.3.0.12")
        #expect(EventCursor("c1.3.0.12") == cursor)
        #expect(EventCursor("c1.") == .beginning)
        #expect(EventCursor.beginning.position(9) == 0)
        for bad in ["", "c1", "c2.1", "c1.1..2", "c1.-1", "c1.1e3", "c1. 4", "c1.99999999999999999999"] {
            #expect(EventCursor(bad) == nil, "\(bad) is not a cursor")
        }
    }

    @Test("paging a tenant's events with the next cursor sees each exactly once, in stream order, and nothing of another tenant")
    func paging() async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "page").id
            let other = try await dbs.makeTenant(prefix: "page").id
            for index in 0..<60 {
                try await dbs.app.withTenantTransaction(tenant) { connection in
                    try await EventStore.append([NewEvent(type: index % 3 == 0 ? "ticket.created" : "contact.updated", data: #"{"n":\#(index)}"#)],
                                                to: "s/\(index % 7)", tenant: tenant, on: connection, logger: TestDatabases.logger)
                }
                try await dbs.app.withTenantTransaction(other) { connection in
                    try await EventStore.append([NewEvent(type: "ticket.created", data: "{}")], to: "s/\(index % 7)",
                                                tenant: other, on: connection, logger: TestDatabases.logger)
                }
            }
            var cursor = EventCursor.beginning
            var seen: [RecordedEvent] = []
            var pages = 0
            while true {
                let page = try await EventStore.readTenant(tenant, after: cursor, limit: 7, database: dbs.app)
                if page.events.isEmpty { #expect(page.next == cursor); break }
                #expect(page.events.count <= 7)
                seen += page.events
                cursor = page.next
                pages += 1
            }
            #expect(pages >= 9)
            #expect(seen.count == 60)
            #expect(seen.allSatisfy { $0.tenant == tenant })
            #expect(Set(seen.map { "\($0.stream)#\($0.version)" }).count == 60, "no event twice")
            for stream in Set(seen.map(\.stream)) {
                let versions = seen.filter { $0.stream == stream }.map(\.version)
                #expect(versions == Array(1...versions.count), "\(stream) in version order")
            }
            // A late append shows up after the cursor, and a type filter keeps only matching events while moving on.
            try await dbs.app.withTenantTransaction(tenant) { connection in
                try await EventStore.append([NewEvent(type: "ticket.closed", data: "{}"), NewEvent(type: "contact.merged", data: "{}")],
                                            to: "s/late", tenant: tenant, on: connection, logger: TestDatabases.logger)
            }
            let late = try await EventStore.readTenant(tenant, after: cursor, limit: 10, types: ["ticket.*"], database: dbs.app)
            #expect(late.events.map(\.type) == ["ticket.closed"])
            #expect(try await EventStore.readTenant(tenant, after: late.next, database: dbs.app).events.isEmpty)
            let created = try await EventStore.readTenant(tenant, after: .beginning, limit: 1000, types: ["ticket.created"], database: dbs.app)
            #expect(created.events.count == 20)
        }
    }
}
