import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// Live updates end to end: real `glavito serve` processes on one database, the Python `websockets` client, and
/// events appended from outside the processes (through EventStore in the test).
@Suite("Live updates over WebSocket and SSE")
struct LiveUpdatesTests {
    @Test("clients of two processes see events appended elsewhere; a reconnect with the last cursor gets exactly what it missed (in batched frames when asked); SSE resumes by Last-Event-ID")
    func fanOutAndResume() async throws {
        try await TestDatabases.with { dbs in
            let servers = try await LiveServers.start(2, dbs: dbs)
            let (_, cookie) = try await servers.signedInUser("owner", dbs: dbs)
            let ticket = "ticket/t\(UInt32.random(in: 0...UInt32.max))"
            let doc = #"{"assignee_id":null,"team_id":"support"}"#

            let onA = try LiveClientProcess.start(port: servers.ports[0], host: servers.host(0), cookie: cookie,
                                                  origin: "http://\(servers.host(0))", topics: [ticket], count: 2)
            let onB = try LiveClientProcess.start(port: servers.ports[1], host: servers.host(1), cookie: cookie,
                                                  topics: [ticket], count: 2)
            #expect(try await onA.waitSubscribed(), "A: \(onA.process.output)")
            #expect(try await onB.waitSubscribed(), "B: \(onB.process.output)")
            try await servers.append([doc, doc], to: ticket, dbs: dbs)
            let framesA = try await onA.frames()
            let framesB = try await onB.frames()
            #expect(LiveClientProcess.versions(framesA) == ["\(ticket)#1", "\(ticket)#2"], "A: \(framesA)")
            #expect(LiveClientProcess.versions(framesB) == ["\(ticket)#1", "\(ticket)#2"], "B: \(framesB)")
            let first = try #require(LiveClientProcess.events(framesA).first)
            #expect(first["topics"] as? [String] == [ticket])
            #expect((first["event"] as? [String: Any])?["data"] as? [String: Any] != nil, "full data for a reader")
            let cursor = try #require(LiveClientProcess.events(framesA).last?["cursor"] as? String)

            // Missed while disconnected: three events of the ticket (and one of another ticket, not subscribed).
            try await servers.append([doc, doc, doc], to: ticket, dbs: dbs)
            try await servers.append([doc], to: ticket + "x", dbs: dbs)
            let resumed = try LiveClientProcess.start(port: servers.ports[0], host: servers.host(0), cookie: cookie,
                                                      topics: [ticket], after: cursor, count: 4, batch: true)
            #expect(try await resumed.waitSubscribed(), "\(resumed.process.output)")
            try await servers.append([doc], to: ticket, dbs: dbs)
            let framesResumed = try await resumed.frames()
            #expect(LiveClientProcess.versions(framesResumed) == (3...6).map { "\(ticket)#\($0)" },
                    "replayed 3…5 then live 6, none twice: \(framesResumed)")
            // Batched: the replayed page travels as one frame, the live event as another; each frame carries one
            // cursor (its events none), and resuming from the last frame's cursor finds nothing new.
            #expect(LiveClientProcess.batchSizes(framesResumed) == [3, 1], "\(framesResumed)")
            #expect(LiveClientProcess.events(framesResumed).allSatisfy { $0["cursor"] == nil })
            let frameCursor = try #require(framesResumed.last(where: { $0["type"] as? String == "frame" })?["cursor"] as? String)
            #expect(EventCursor(frameCursor) != nil, "\(frameCursor)")
            let after = try LiveClientProcess.start(port: servers.ports[0], host: servers.host(0), cookie: cookie,
                                                    topics: [ticket], after: frameCursor, count: 1, batch: true)
            #expect(try await after.waitSubscribed(), "\(after.process.output)")
            try await servers.append([doc], to: ticket, dbs: dbs)
            #expect(LiveClientProcess.versions(try await after.frames()) == ["\(ticket)#7"], "only the new event")

            // SSE on process B from the same cursor: the same four events, each with its cursor as the event id.
            let sse = try LiveClientProcess.start(port: servers.ports[1], host: servers.host(1), cookie: cookie,
                                                  topics: [ticket], after: cursor, count: 4, sse: true)
            let framesSSE = try await sse.frames()
            #expect(LiveClientProcess.versions(framesSSE) == (3...6).map { "\(ticket)#\($0)" }, "SSE: \(framesSSE)")
            let lastSSE = LiveClientProcess.events(framesSSE).last
            #expect(lastSSE?["sse_id"] as? String == lastSSE?["cursor"] as? String)
            try await servers.stop()
        }
    }

    @Test("a user never receives events of tickets their role or data scope does not cover; bad origins and strangers are refused")
    func permissions() async throws {
        try await TestDatabases.with { dbs in
            let servers = try await LiveServers.start(1, dbs: dbs)
            let (agent, agentCookie) = try await servers.signedInUser("agent", dbs: dbs)
            let (other, _) = try await servers.signedInUser("agent", dbs: dbs)
            let ticket = "ticket/p\(UInt32.random(in: 0...UInt32.max))"
            let host = servers.host(0), port = servers.ports[0]

            let client = try LiveClientProcess.start(port: port, host: host, cookie: agentCookie, topics: [ticket, "inbox"], count: 2)
            let keyClient = try LiveClientProcess.start(port: port, host: host, bearer: try await servers.apiKey([.analyticsView], dbs: dbs),
                                                        topics: [ticket, "dashboard"], count: 4)
            #expect(try await client.waitSubscribed(), "\(client.process.output)")
            #expect(try await keyClient.waitSubscribed(), "\(keyClient.process.output)")
            // One stream, so one partition and a fixed order: versions 1 and 3 belong to someone else (the agent's
            // scope is `own`), 2 and 4 to the agent. Another tenant's stream of the same name is never delivered.
            let foreign = try await dbs.makeTenant(prefix: "live-other")
            try await servers.append([#"{"assignee_id":"\#(agent)"}"#], to: ticket, tenant: foreign.id, dbs: dbs)
            try await servers.append([
                #"{"assignee_id":"\#(other)","team_id":"support"}"#, #"{"assignee_id":"\#(agent)"}"#,
                #"{"assignee_id":"\#(other)"}"#, #"{"assignee_id":"\#(agent)"}"#,
            ], to: ticket, dbs: dbs)
            let frames = try await client.frames()
            #expect(LiveClientProcess.versions(frames) == ["\(ticket)#2", "\(ticket)#4"], "\(frames)")
            #expect(LiveClientProcess.events(frames).allSatisfy { Set($0["topics"] as? [String] ?? []) == [ticket, "inbox"] })

            // A key with analytics.view but not tickets.read: the ticket topic is refused, the dashboard counts
            // every event of the tenant without its data.
            let keyFrames = try await keyClient.frames()
            let subscribed = keyFrames.first { $0["type"] as? String == "subscribed" }
            #expect(subscribed?["topics"] as? [String] == ["dashboard"])
            #expect((subscribed?["refused"] as? [[String: Any]])?.first?["topic"] as? String == ticket)
            #expect(LiveClientProcess.versions(keyFrames) == (1...4).map { "\(ticket)#\($0)" }, "\(keyFrames)")
            #expect(LiveClientProcess.events(keyFrames).allSatisfy { ($0["event"] as? [String: Any])?["data"] == nil })

            // Another site's page, and a caller without credentials, are refused before the upgrade (hummingbird-websocket
            // answers a declined upgrade with a bare 400); the same request without the upgrade gets the reason.
            let crossSite = try await LiveClientProcess.start(port: port, host: host, cookie: agentCookie, origin: "http://evil.example",
                                                              topics: ["inbox"], count: 1).frames()
            #expect(crossSite.first?["type"] as? String == "refused")
            #expect(crossSite.first?["status"] as? Int == 400, "\(crossSite)")
            let stranger = try await LiveClientProcess.start(port: port, host: host, topics: ["inbox"], count: 1).frames()
            #expect(stranger.first?["status"] as? Int == 400, "\(stranger)")
            let crossSitePlain = try await HTTPProbe.get(port: port, path: "/api/v1/live", host: host,
                                                         headers: ["Cookie": agentCookie, "Origin": "http://evil.example"])
            #expect(crossSitePlain.status == 403)
            #expect(crossSitePlain.body.contains("cross-site-origin"))
            let plain = try await HTTPProbe.get(port: port, path: "/api/v1/live", host: host, headers: ["Cookie": agentCookie, "Origin": "http://\(host)"])
            #expect(plain.status == 426)
            #expect(try await HTTPProbe.get(port: port, path: "/api/v1/live", host: host).status == 401)
            let sseRefused = try await HTTPProbe.get(port: port, path: "/api/v1/live/sse?topics=dashboard", host: host, headers: ["Cookie": agentCookie])
            #expect(sseRefused.status == 403, "an agent has no analytics.view")

            // SIGTERM with a client connected: the process closes the connection (so the client reconnects and
            // resumes elsewhere) and exits cleanly.
            let lingering = try LiveClientProcess.start(port: port, host: host, cookie: agentCookie, topics: ["inbox"], count: 100, seconds: 40)
            #expect(try await lingering.waitSubscribed(), "\(lingering.process.output)")
            try await servers.stop()
            let closed = try await lingering.frames().last
            #expect(closed?["type"] as? String == "closed", "\(String(describing: closed))")
            #expect([1000, 1001].contains(closed?["code"] as? Int ?? 0), "\(String(describing: closed))")
        }
    }
}

/// Keep-alive comments on an idle SSE stream, read raw with curl.
@Suite("Live updates: SSE keep-alive")
struct LiveKeepAliveTests {
    @Test("an idle SSE stream gets a keep-alive comment every GLAVITO_LIVE_SSE_KEEPALIVE_SECONDS")
    func keepAlive() async throws {
        try await TestDatabases.with { dbs in
            let servers = try await LiveServers.start(1, dbs: dbs, settings: ["GLAVITO_LIVE_SSE_KEEPALIVE_SECONDS": "1"])
            let (_, cookie) = try await servers.signedInUser("agent", dbs: dbs)
            let result = try await ManagedProcess.run(
                executable: URL(fileURLWithPath: "/usr/bin/curl"),
                arguments: ["-sN", "--max-time", "4", "-H", "Host: \(servers.host(0))", "-H", "Cookie: \(cookie)",
                            "http://127.0.0.1:\(servers.ports[0])/api/v1/live/sse?topics=ticket/quiet"],
                environment: ProcessInfo.processInfo.environment)
            #expect(result.output.contains("event: subscribed"), "\(result.output)")
            let comments = result.output.components(separatedBy: ": keep-alive\n\n").count - 1
            #expect(comments >= 2, "\(comments) keep-alive comments in 4 s: \(result.output)")
            try await servers.stop()
        }
    }

    @Test("revoking a session or an API key ends its open live connections (WebSocket closed with 1008, SSE ended)")
    func revocationEndsConnections() async throws {
        try await TestDatabases.with { dbs in
            let servers = try await LiveServers.start(1, dbs: dbs, settings: ["GLAVITO_LIVE_RECHECK_SECONDS": "1"])
            let (user, cookie) = try await servers.signedInUser("agent", dbs: dbs)
            let key = try await servers.apiKey([.analyticsView], dbs: dbs)
            let (host, port) = (servers.host(0), servers.ports[0])
            let bySession = try LiveClientProcess.start(port: port, host: host, cookie: cookie, topics: ["inbox"], count: 1, seconds: 30)
            let byKey = try LiveClientProcess.start(port: port, host: host, bearer: key, topics: ["dashboard"], count: 1, seconds: 30)
            #expect(try await bySession.waitSubscribed(), "\(bySession.process.output)")
            #expect(try await byKey.waitSubscribed(), "\(byKey.process.output)")
            let started = ContinuousClock.now
            try await dbs.app.withTenantTransaction(servers.tenant) { connection in
                try await connection.query("UPDATE sessions SET revoked_at = now() WHERE user_id = \(user.rawValue)", logger: TestDatabases.logger)
                try await connection.query("UPDATE api_keys SET revoked_at = now()", logger: TestDatabases.logger)
            }
            for client in [bySession, byKey] {
                let closed = try await client.frames(timeout: .seconds(25)).first { $0["type"] as? String == "closed" }
                #expect(closed?["code"] as? Int == 1008, "\(client.process.output)")
            }
            #expect(ContinuousClock.now - started < .seconds(15), "ended within a few re-checks, not at the client's own timeout")
            // SSE: the stream ends with a signed-out frame.
            let (_, cookie2) = try await servers.signedInUser("agent", dbs: dbs)
            let sse = try await withThrowingTaskGroup(of: (status: Int32, output: String).self) { group in
                group.addTask {
                    try await ManagedProcess.run(
                        executable: URL(fileURLWithPath: "/usr/bin/curl"),
                        arguments: ["-sN", "--max-time", "20", "-H", "Host: \(host)", "-H", "Cookie: \(cookie2)",
                                    "http://127.0.0.1:\(port)/api/v1/live/sse?topics=inbox"],
                        environment: ProcessInfo.processInfo.environment)
                }
                try await Task.sleep(for: .milliseconds(1500))
                try await dbs.app.withTenantTransaction(servers.tenant) { connection in
                    try await connection.query("UPDATE sessions SET revoked_at = now() WHERE revoked_at IS NULL", logger: TestDatabases.logger)
                }
                return try await group.next()!
            }
            #expect(sse.output.contains("event: subscribed") && sse.output.contains("signed-out"), "\(sse.output)")
            #expect(sse.status == 0, "the server ended the stream before curl's own 20 s limit")
            try await servers.stop()
        }
    }

    @Test("a user holds at most GLAVITO_LIVE_MAX_CONNECTIONS live connections per process; more are refused until one closes")
    func connectionLimit() async throws {
        try await TestDatabases.with { dbs in
            let servers = try await LiveServers.start(1, dbs: dbs, settings: ["GLAVITO_LIVE_MAX_CONNECTIONS": "2", "GLAVITO_LIVE_PING_SECONDS": "1"])
            let (_, cookie) = try await servers.signedInUser("agent", dbs: dbs)
            let (host, port) = (servers.host(0), servers.ports[0])
            // Clients that close by themselves after 15 s (long enough that a loaded machine runs the checks below first).
            let first = try LiveClientProcess.start(port: port, host: host, cookie: cookie, topics: ["inbox"], count: 1, seconds: 15)
            let second = try LiveClientProcess.start(port: port, host: host, cookie: cookie, topics: ["inbox"], count: 1, seconds: 15)
            let firstUp = try await first.waitSubscribed()
            let secondUp = try await second.waitSubscribed()
            #expect(firstUp && secondUp)
            let third = try LiveClientProcess.start(port: port, host: host, cookie: cookie, topics: ["inbox"], count: 1, seconds: 6)
            let frames = try await third.frames()
            let closed = frames.first { $0["type"] as? String == "closed" }
            #expect(closed?["code"] as? Int == 1008 && (closed?["reason"] as? String)?.contains("too many") == true, "\(third.process.output)")
            let sse = try await ManagedProcess.run(
                executable: URL(fileURLWithPath: "/usr/bin/curl"),
                arguments: ["-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time", "3", "-H", "Host: \(host)", "-H", "Cookie: \(cookie)",
                            "http://127.0.0.1:\(port)/api/v1/live/sse?topics=inbox"],
                environment: ProcessInfo.processInfo.environment)
            #expect(sse.output == "429", "\(sse.output)")
            _ = try await first.frames()
            _ = try await second.frames()
            // The server frees the slots as it finishes the closed sessions: retry for a few seconds.
            var subscribedAgain = false
            var lastOutput = ""
            for _ in 0..<10 where !subscribedAgain {
                let again = try LiveClientProcess.start(port: port, host: host, cookie: cookie, topics: ["inbox"], count: 1, seconds: 2)
                subscribedAgain = try await again.process.waitForOutput(containing: #""type": "subscribed""#, timeout: .seconds(5))
                _ = try await again.frames()
                lastOutput = again.process.output
                if !subscribedAgain { try await Task.sleep(for: .milliseconds(500)) }
            }
            #expect(subscribedAgain, "a slot is free again once a connection closed: \(lastOutput)")
            try await servers.stop()
        }
    }
}
