import Foundation
import GlavitoCore
import Hummingbird

/// The replay API: a tenant reads its own events from a cursor (`/api/v1/events`) or one stream from a version
/// (`/api/v1/events/stream`), as the application role under row-level security. Integrations (n8n, a data
/// warehouse loader) follow the log by passing back the `next` cursor of each page.
struct EventsController {
    let database: Database

    /// Registers the routes; reading the log needs `admin.settings` (events carry every kind of workspace data).
    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/events", .permission(.adminSettings)) { request, context, _ in
            let query = request.uri.queryParameters
            let cursor: EventCursor
            if let text = query.get("after") {
                guard let parsed = EventCursor(text) else {
                    throw Self.badRequest("after must be a cursor returned as next by an earlier page (c1.…)")
                }
                cursor = parsed
            } else {
                cursor = .beginning
            }
            let limit = try Self.limit(query.get("limit"))
            let types = (query.get("types") ?? "").split(separator: ",").map { String($0.trimmingCharacters(in: .whitespaces)) }
            guard types.allSatisfy({ (1...200).contains($0.utf8.count) }), types.count <= 50 else {
                throw Self.badRequest("types is a comma-separated list of up to 50 event types, `ticket.*` style prefixes allowed")
            }
            let page = try await EventStore.readTenant(context.tenant.id, after: cursor, limit: limit, types: types, database: database)
            return Self.page(page.events, extra: "\"next\":\"\(page.next)\"")
        }
        routes.get("/api/v1/events/stream", .permission(.adminSettings)) { request, context, _ in
            let query = request.uri.queryParameters
            guard let name = query.get("name"), (1...200).contains(name.utf8.count) else {
                throw Self.badRequest("name must be the stream's name, e.g. ticket/42")
            }
            let from = Int(query.get("from_version") ?? "1") ?? 0
            guard from >= 1 else { throw Self.badRequest("from_version must be a whole number from 1") }
            let limit = try Self.limit(query.get("limit"))
            let events = try await EventStore.readStream(name, tenant: context.tenant.id, fromVersion: from, limit: limit, database: database)
            let next = events.count == limit ? events.last.map { ",\"next_version\":\($0.version + 1)" } ?? "" : ""
            return Self.page(events, extra: "\"stream\":\(Self.jsonString(name))\(next)")
        }
    }

    static func limit(_ text: String?) throws -> Int {
        guard let text else { return 100 }
        guard let value = Int(text), (1...1000).contains(value) else { throw badRequest("limit must be between 1 and 1000") }
        return value
    }

    static func page(_ events: [RecordedEvent], extra: String) -> Response {
        let body = "{\"events\":[" + events.map(\.json).joined(separator: ",") + "]," + extra + "}"
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func jsonString(_ text: String) -> String {
        let data = (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    static func badRequest(_ detail: String) -> Problem {
        Problem(status: .badRequest, type: "invalid-request", title: "Invalid request", detail: detail)
    }
}
