import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// Control-plane processes (`glavito serve`) for the live-update tests, with a tenant and helpers to make
/// signed-in users and append events from outside the processes.
struct LiveServers {
    let processes: [ManagedProcess]
    let ports: [Int]
    let tenant: TenantID
    let slug: String

    /// The tenant's host as served by process `index`.
    func host(_ index: Int) -> String { "\(slug).localhost:\(ports[index])" }

    /// Starts `count` processes on one database for a new tenant and waits until their hubs are ready.
    static func start(_ count: Int, dbs: TestDatabases, settings: [String: String] = [:]) async throws -> LiveServers {
        let (tenant, slug) = try await dbs.makeTenant(prefix: "live")
        var processes: [ManagedProcess] = []
        var ports: [Int] = []
        for _ in 0..<count {
            let port = try ManagedProcess.freePort()
            let server = try ManagedProcess(
                executable: try TestEnvironment.binDirectory().appendingPathComponent("glavito"), arguments: ["serve"],
                environment: try TestEnvironment.processEnvironment(extra: settings.merging(["GLAVITO_HTTP_PORT": "\(port)"]) { _, new in new }))
            processes.append(server)
            ports.append(port)
        }
        for (server, port) in zip(processes, ports) {
            #expect(try await HTTPProbe.waitUntilUp(port: port), "server did not come up: \(server.output)")
            #expect(try await server.waitForOutput(containing: "live updates ready"), "hub not ready: \(server.output)")
        }
        return LiveServers(processes: processes, ports: ports, tenant: tenant, slug: slug)
    }

    /// Stops the processes with SIGTERM and checks they exit cleanly.
    func stop() async throws {
        for process in processes { process.send(SIGTERM) }
        for process in processes {
            let status = try await process.waitForExit(timeout: .seconds(20))
            #expect(status == 0, "exit after SIGTERM: \(process.output.suffix(2000))")
        }
    }

    /// An active user with `role` and `teams` and a signed-in session; returns the user and its `Cookie` value.
    func signedInUser(_ role: String, teams: [String] = [], dbs: TestDatabases) async throws -> (UserID, String) {
        let identity = try IdentityService(database: dbs.app, config: IdentityFixtures.config())
        let user = try await IdentityFixtures.makeUser(identity, tenant: tenant, email: "\(role)-\(UUID().uuidString.prefix(8))@example.com",
                                                       password: "not used by these tests", role: role, teams: teams)
        let token = try await dbs.app.withTenantTransaction(tenant) { connection in
            try await SessionStore().create(tenant: tenant, user: user.id, stage: .active, policy: IdentityFixtures.policy(IdentityFixtures.config()),
                                            clientAddress: nil, userAgent: nil, on: connection, logger: dbs.app.logger).token
        }
        return (user.id, "glavito_session=\(token)")
    }

    /// An API key with `scopes`.
    func apiKey(_ scopes: Set<Permission>, dbs: TestDatabases) async throws -> String {
        try await dbs.app.withTenantTransaction(tenant) { connection in
            try await APIKeyStore(tenant: tenant).create(name: "live", scopes: scopes, expiresAt: nil, createdBy: nil,
                                                         on: connection, logger: dbs.app.logger).key
        }
    }

    /// Appends one event per data document to `stream` of `tenant` (default: this tenant), each in its own transaction.
    func append(_ documents: [String], to stream: String, tenant: TenantID? = nil, dbs: TestDatabases) async throws {
        let tenant = tenant ?? self.tenant
        for document in documents {
            try await dbs.app.withTenantTransaction(tenant) { connection in
                try await EventStore.append([NewEvent(type: "ticket.updated", data: document)], to: stream, tenant: tenant,
                                            on: connection, logger: dbs.app.logger)
            }
        }
    }
}
