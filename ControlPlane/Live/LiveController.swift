import Foundation
import GlavitoCore
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket

/// Live updates for signed-in users and API keys of a tenant: `GET /api/v1/live` upgrades to a WebSocket,
/// `GET /api/v1/live/sse` streams Server-Sent Events. Protocol, cursor and visibility: docs/events.md.
struct LiveController {
    let hub: LiveEventHub
    /// The application role: resumes read as the tenant.
    let database: Database
    /// Between keep-alive comments on an idle SSE stream.
    var keepAlive: Duration = .seconds(15)
    /// Between checks that the connection's session or API key still holds (revoked, expired, user deactivated
    /// end the connection).
    var recheck: Duration = .seconds(30)

    static let path = "/api/v1/live"

    /// What a WebSocket client sends first.
    struct Subscribe: Decodable {
        let type: String
        let topics: [String]
        let after: String?
        /// Whether several events may travel in one `events` frame (fewer frames under load).
        let batch: Bool?
    }

    /// The routes on the main router: the SSE stream, and the WebSocket path for requests that did not upgrade
    /// (the WebSocket router declined them), which answer with the reason as a problem.
    func addRoutes(to routes: SecuredRoutes) {
        routes.get(Self.path, .signedIn) { request, _, _ in
            guard Self.originAllowed(request) else { throw Self.crossSite }
            throw Problem(status: .upgradeRequired, type: "websocket-required", title: "WebSocket upgrade required",
                          detail: "Open this address as a WebSocket, or use /api/v1/live/sse for Server-Sent Events.")
        }
        routes.get(Self.path + "/sse", .signedIn) { request, _, input in
            try sse(request, principal: try input.requirePrincipal())
        }
    }

    /// The upgrade route on the WebSocket router (behind tenant resolution and authentication): upgrades a request
    /// of an active tenant's signed-in caller whose `Origin`, if any, is the tenant's own host.
    func addWebSocketRoute(to router: Router<GlavitoRequestContext>) {
        router.ws(RouterPath(Self.path), shouldUpgrade: { request, context in
            guard let tenant = context.tenant, tenant.status == .active, (try? Access.signedIn.check(context.principal)) != nil,
                  Self.originAllowed(request) else { return .dontUpgrade }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, context in
            guard let principal = context.requestContext.principal else { return }
            let slot = LiveConnectionLimit.key(principal)
            guard hub.connections.acquire(slot) else {
                try await outbound.write(.text(LiveFrames.error("too-many-connections",
                                                                "at most \(hub.connections.perPrincipal) live connections per user; close one")))
                try await outbound.close(.policyViolation, reason: "too many live connections")
                return
            }
            defer { hub.connections.release(slot) }
            try await session(principal: principal, inbound: inbound, outbound: outbound)
        })
    }

    /// One WebSocket connection: waits for a `subscribe` message, then runs the feed until either side ends.
    func session(principal: Principal, inbound: WebSocketInboundStream, outbound: WebSocketOutboundWriter) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            let (database, recheck) = (database, recheck)
            group.addTask {
                if await Self.untilCredentialEnds(principal, database: database, every: recheck) {
                    try? await outbound.close(.policyViolation, reason: "signed out: the session or API key ended")
                }
            }
            var subscribed = false
            for try await message in inbound.messages(maxSize: 16_384) {
                guard case .text(let text) = message, let request = try? JSONDecoder().decode(Subscribe.self, from: Data(text.utf8)),
                      request.type == "subscribe" else {
                    try await outbound.write(.text(LiveFrames.error("bad-request", #"send {"type":"subscribe","topics":["inbox"],"after":"<cursor>"}"#)))
                    continue
                }
                guard !subscribed else {
                    try await outbound.write(.text(LiveFrames.error("already-subscribed", "one subscription per connection; reconnect to change topics")))
                    continue
                }
                var after: EventCursor?
                if let text = request.after {
                    guard let cursor = EventCursor(text) else {
                        try await outbound.write(.text(LiveFrames.error("bad-cursor", "after must be a cursor this server sent")))
                        continue
                    }
                    after = cursor
                }
                subscribed = true
                let (resumeFrom, batched) = (after, request.batch == true)
                let audience = LiveAudience(principal: principal, requested: request.topics)
                let feed = LiveFeed(hub: hub, database: database, audience: audience, cursorPerEvent: !batched)
                group.addTask {
                    do {
                        let reason = try await feed.run(after: resumeFrom, subscribed: { cursor in
                            try await outbound.write(.text(LiveFrames.subscribed(cursor, audience)))
                        }, send: { deliveries in
                            if batched {
                                for frame in LiveFrames.batches(deliveries) { try await outbound.write(.text(frame)) }
                            } else {
                                for delivery in deliveries { try await outbound.write(.text(delivery.json)) }
                            }
                        })
                        if let reason {
                            try await outbound.close(reason == .tooSlow ? .policyViolation : .goingAway, reason: reason.message)
                        }
                    } catch is CancellationError {
                    } catch {
                        try? await outbound.close(.unexpectedServerError, reason: "live updates unavailable: reconnect and resume")
                    }
                }
            }
            group.cancelAll()
        }
    }

    /// The SSE stream: topics in `?topics=a,b`, the resume cursor in `Last-Event-ID` (or `?after=`).
    func sse(_ request: Request, principal: Principal) throws -> Response {
        let topics = (request.uri.queryParameters.get("topics") ?? "").split(separator: ",").map(String.init)
        var after: EventCursor?
        if let text = request.headers[HTTPField.Name("Last-Event-ID")!] ?? request.uri.queryParameters.get("after"), !text.isEmpty {
            guard let cursor = EventCursor(text) else {
                throw Problem(status: .badRequest, type: "invalid-request", title: "Invalid request",
                              detail: "Last-Event-ID (or after) must be a cursor this server sent.")
            }
            after = cursor
        }
        let audience = LiveAudience(principal: principal, requested: topics)
        guard !audience.topics.isEmpty else {
            throw Problem(status: .forbidden, type: "forbidden", title: "Not allowed",
                          detail: "None of the topics can be followed: " + audience.refused.map { "\($0.topic) (\($0.reason))" }.joined(separator: ", "))
        }
        let slot = LiveConnectionLimit.key(principal)
        guard hub.connections.acquire(slot) else {
            var problem = Problem(status: .tooManyRequests, type: "too-many-connections", title: "Too many live connections",
                                  detail: "At most \(hub.connections.perPrincipal) live connections per user; close one.")
            problem.extraHeaders[.retryAfter] = "10"
            throw problem
        }
        let feed = LiveFeed(hub: hub, database: database, audience: audience)
        let (resumeFrom, keepAlive, database, recheck, connections) = (after, keepAlive, database, recheck, hub.connections)
        var headers = HTTPFields()
        headers[.contentType] = "text/event-stream"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers, body: ResponseBody { writer in
            defer { connections.release(slot) }
            let (frames, sink) = AsyncStream.makeStream(of: String.self, bufferingPolicy: .bufferingOldest(256))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { sink.finish() }
                    let reason = try? await feed.run(after: resumeFrom, subscribed: { cursor in
                        sink.yield("event: subscribed\ndata: \(LiveFrames.subscribed(cursor, audience))\n\n")
                    }, send: { deliveries in
                        let text = deliveries.map { "id: \($0.cursor ?? "")\nevent: event\ndata: \($0.json)\n\n" }.joined()
                        guard case .enqueued = sink.yield(text) else { throw LiveError.unavailable }
                    })
                    if let reason { sink.yield("event: end\ndata: \(LiveFrames.error("ended", reason.message))\n\n") }
                }
                group.addTask {
                    if await Self.untilCredentialEnds(principal, database: database, every: recheck) {
                        sink.yield("event: end\ndata: \(LiveFrames.error("signed-out", "the session or API key ended"))\n\n")
                        sink.finish()
                    }
                }
                group.addTask {
                    // A comment line now and then: proxies keep the stream open, and a vanished client is noticed.
                    while !Task.isCancelled {
                        try? await Task.sleep(for: keepAlive)
                        if Task.isCancelled { break }
                        sink.yield(": keep-alive\n\n")
                    }
                }
                for await frame in frames { try await writer.write(ByteBuffer(string: frame)) }
                group.cancelAll()
            }
            try await writer.finish(nil)
        })
    }

    /// Waits, checking every `interval`, until the principal's credential no longer holds (true) or the task is
    /// cancelled (false). A failed check (the database unreachable) is not taken as a sign-out.
    static func untilCredentialEnds(_ principal: Principal, database: Database, every interval: Duration) async -> Bool {
        while !Task.isCancelled {
            do { try await Task.sleep(for: interval) } catch { return false }
            if (try? await CredentialCheck.stillValid(principal, database: database)) == false { return true }
        }
        return false
    }

    /// Whether `request` carries no `Origin` (not a browser) or the tenant's own host as its origin: a page of
    /// another site must not open a connection with the user's cookie (cross-site WebSocket hijacking).
    static func originAllowed(_ request: Request) -> Bool {
        guard let origin = request.headers[.origin]?.lowercased() else { return true }
        guard let host = request.head.authority?.lowercased() else { return false }
        return origin == "https://\(host)" || origin == "http://\(host)"
    }

    static let crossSite = Problem(status: .forbidden, type: "cross-site-origin", title: "Origin not allowed",
                                   detail: "Live updates accept connections only from this workspace's own pages.")
}
