import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// The real `glavito` binary, started as an operator would start it.
@Suite("glavito serve as a process")
struct ServeProcessTests {
    static func glavito() throws -> URL { try TestEnvironment.binDirectory().appendingPathComponent("glavito") }

    @Test("serves a tenant's branded landing page by Host header, logs request ids, and stops gracefully on SIGTERM")
    func servesAndStops() async throws {
        let slug = "brand-\(UInt32.random(in: 0...UInt32.max))"
        try await TestDatabases.with { dbs in
            let definition = TenantDefinition(
                sourceFile: "test", slug: slug, name: "Brand <Co> & Sons", domains: ["help.\(slug).example"],
                branding: Branding(displayName: "Brand <Support>", primaryColor: "#123456", accentColor: "#abcdef")
            )
            _ = try await TenantDirectory(platform: dbs.platform).apply([definition])
        }
        let port = try ManagedProcess.freePort()
        let server = try ManagedProcess(
            executable: try Self.glavito(), arguments: ["serve"],
            environment: try TestEnvironment.processEnvironment(extra: ["GLAVITO_HTTP_PORT": "\(port)", "GLAVITO_LOG_LEVEL": "debug"])
        )
        #expect(try await HTTPProbe.waitUntilUp(port: port), "server did not come up: \(server.output)")

        let page = try await HTTPProbe.get(port: port, path: "/", host: "\(slug).localhost:\(port)", headers: ["X-Request-Id": "probe-\(slug)"])
        #expect(page.status == 200)
        #expect(page.headers["content-type"] == "text/html; charset=utf-8")
        #expect(page.body.contains("Brand &lt;Support&gt;"), "names are escaped into the page")
        #expect(!page.body.contains("Brand <Support>"))
        #expect(page.body.contains(#"href="/branding.css""#))

        let css = try await HTTPProbe.get(port: port, path: "/branding.css", host: "help.\(slug).example")
        #expect(css.status == 200)
        #expect(css.body.contains("--brand-primary: #123456;"))
        #expect(css.body.contains("--brand-accent: #abcdef;"))

        let stylesheet = try await HTTPProbe.get(port: port, path: "/static/glavito.css")
        #expect(stylesheet.status == 200)
        #expect(stylesheet.headers["etag"] != nil)

        let ready = try await HTTPProbe.get(port: port, path: "/readyz")
        #expect(ready.status == 200)

        // The event log's gauges are read at each scrape: a group that has read nothing lags by every event.
        let group = "metrics-\(UInt32.random(in: 0...UInt32.max))"
        try await TestDatabases.with { dbs in
            try await ConsumerGroupMember(group: group, member: "m", database: dbs.platform).join()
            let tenant = try await dbs.makeTenant(prefix: "metrics").id
            try await dbs.app.withTenantTransaction(tenant) { connection in
                try await EventStore.append([NewEvent(type: "test.metrics", data: "{}")], to: "m/1", tenant: tenant,
                                            on: connection, logger: TestDatabases.logger)
            }
        }
        let metrics = try await HTTPProbe.get(port: port, path: "/metrics")
        #expect(metrics.status == 200)
        let lag = metrics.body.split(separator: "\n").first { $0.hasPrefix("glavito_events_group_lag_events{group=\"\(group)\"}") }
        #expect(lag.flatMap { Double($0.split(separator: " ").last ?? "") }.map { $0 >= 1 } == true, "lag line: \(lag ?? "missing")")
        #expect(metrics.body.contains("glavito_events_log_head "))

        // Every log line of the request carries its id.
        #expect(try await server.waitForOutput(containing: "\"glavito.request_id\":\"probe-\(slug)\""))
        let requestLines = server.output.split(separator: "\n").filter { $0.contains("probe-\(slug)") }
        #expect(!requestLines.isEmpty)
        for line in requestLines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            #expect(object?["glavito.tenant"] as? String == slug)
        }

        server.send(SIGTERM)
        let status = try await server.waitForExit(timeout: .seconds(15))
        #expect(status == 0, "exit status after SIGTERM; output: \(server.output)")
        #expect(server.output.contains("control plane stopped"))
    }

    @Test("refuses to start when the database schema is not the one this build expects")
    func refusesSchemaMismatch() async throws {
        let empty = try TestEnvironment.value("GLAVITO_TEST_EMPTY_DATABASE_URL")
        let port = try ManagedProcess.freePort()
        let result = try await ManagedProcess.run(
            executable: try Self.glavito(), arguments: ["serve"],
            environment: try TestEnvironment.processEnvironment(extra: ["GLAVITO_HTTP_PORT": "\(port)", "GLAVITO_DATABASE_URL": empty])
        )
        #expect(result.status == 1)
        #expect(result.output.contains("database schema is at version 0 but this build needs"))
        #expect(result.output.contains("glavito migrate"))
        #expect(!result.output.contains("Server started"))
    }

    @Test("a missing or malformed configuration key stops start-up with the key named")
    func badConfiguration() async throws {
        let result = try await ManagedProcess.run(
            executable: try Self.glavito(), arguments: ["serve"],
            environment: try TestEnvironment.processEnvironment(extra: ["GLAVITO_HTTP_PORT": "http"])
        )
        #expect(result.status == 78)
        #expect(result.output.contains("GLAVITO_HTTP_PORT must be a whole number"))
    }
}
