import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@testable import Worker

@Suite("Job handlers")
struct HandlerTests {
    @Test("the periodic purge deletes only the tenant's job history older than its horizon")
    func purgeJobHistory() async throws {
        try await QueueHarness.with { h in
            let tenant = h.tenant
            _ = try await h.dbs.app.withTenantTransaction(tenant) { connection in
                try await connection.query("""
                    INSERT INTO job_history (tenant_id, job_id, kind, queue, outcome, attempt, created_at, finished_at)
                    VALUES (\(tenant.rawValue), 900000001, 'maintenance.noop', 'maintenance', 'completed', 1, now(), now() - interval '5 hours'),
                           (\(tenant.rawValue), 900000002, 'maintenance.noop', 'maintenance', 'completed', 1, now(), now() - interval '1 hour')
                    """, logger: TestDatabases.logger)
            }
            let job = JobRecord(
                tenant: tenant, id: 1, kind: PurgeJobHistoryHandler.kind, queue: "maintenance", priority: 0, attempt: 1,
                maxAttempts: 5, fence: 1, leaseOwner: "test", payload: "{\"hours\":3}", createdAt: Date(), runAt: Date()
            )
            try await PurgeJobHistoryHandler().run(job, context: JobContext(logger: TestDatabases.logger, database: h.dbs.app, workerID: "test"))
            #expect(try await h.history().map(\.id) == [900000002])
        }
    }

    @Test("the periodic audit checkpoint signs the head of the tenant's chain once, and the verifier accepts it")
    func auditCheckpoint() async throws {
        try await QueueHarness.with { h in
            let tenant = h.tenant
            let signer = Ed25519Signer(seed: SecureRandom.bytes(32))
            let log = AuditLog(signer: signer, checkpointEvery: 1000)
            for index in 1...3 {
                try await h.dbs.app.withTenantTransaction(tenant) { connection in
                    try await log.append(AuditEvent(actorKind: .user, actorID: "u\(index)", action: "test.event"),
                                         tenant: tenant, on: connection, logger: TestDatabases.logger)
                }
            }
            let verifier = AuditVerifier(trustedPublicKey: signer.publicKey)
            func report() async throws -> AuditVerifier.Report {
                try await h.dbs.platform.withTransaction { connection in
                    try await verifier.verify(tenant: tenant, on: connection, logger: TestDatabases.logger)
                }
            }
            #expect(try await report().checkpoints == 0)
            let job = JobRecord(
                tenant: tenant, id: 2, kind: AuditCheckpointHandler.kind, queue: "maintenance", priority: 0, attempt: 1,
                maxAttempts: 5, fence: 1, leaseOwner: "test", payload: "{}", createdAt: Date(), runAt: Date()
            )
            let context = JobContext(logger: TestDatabases.logger, database: h.dbs.app, workerID: "test")
            try await AuditCheckpointHandler(log: log).run(job, context: context)
            try await AuditCheckpointHandler(log: log).run(job, context: context)
            let after = try await report()
            #expect(after.problem == nil)
            #expect(after.entries == 3)
            #expect(after.checkpoints == 1, "a second run at the same head adds nothing")
        }
    }

    @Test("a worker with a master key schedules audit checkpoints; without one it does not")
    func auditSchedule() throws {
        var environment = ["GLAVITO_DATABASE_URL": "postgres://a:b@127.0.0.1:1/x", "GLAVITO_PLATFORM_DATABASE_URL": "postgres://a:b@127.0.0.1:1/x"]
        let without = try GlavitoConfig.load(from: environment)
        #expect(JobHandlers.configured(without).handler(for: AuditCheckpointHandler.kind) == nil)
        environment["GLAVITO_MASTER_KEY"] = Data(SecureRandom.bytes(32)).base64EncodedString()
        let with = try GlavitoConfig.load(from: environment)
        #expect(JobHandlers.configured(with).handler(for: AuditCheckpointHandler.kind) != nil)
        var settings = JobRunnerSettings(config: with, workerID: "t")
        settings.signsAuditCheckpoints = true
        #expect(settings.schedules.map(\.name).contains("audit-checkpoint"))
    }
}
