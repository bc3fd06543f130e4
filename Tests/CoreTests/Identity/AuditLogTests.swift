import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing

@Suite("Hash-chained audit log")
struct AuditLogTests {
    /// Appends `count` entries for a fresh tenant with a checkpoint every `every`, then hands over.
    func withLog(count: Int = 10, every: Int = 4, _ body: @Sendable (TestDatabases, TenantID, AuditLog, AuditVerifier) async throws -> Void) async throws {
        try await TestDatabases.with { dbs in
            let tenant = try await dbs.makeTenant(prefix: "audit").id
            let signer = Ed25519Signer(seed: SecureRandom.bytes(32))
            let log = AuditLog(signer: signer, checkpointEvery: every)
            for index in 1...count {
                try await dbs.app.withTenantTransaction(tenant) { connection in
                    try await log.append(AuditEvent(actorKind: .user, actorID: "u\(index)", action: "test.event", target: "thing:\(index)",
                                                    details: ["n": String(index)]), tenant: tenant, on: connection, logger: dbs.app.logger)
                }
            }
            try await body(dbs, tenant, log, AuditVerifier(trustedPublicKey: signer.publicKey))
        }
    }

    func verify(_ dbs: TestDatabases, _ tenant: TenantID, _ verifier: AuditVerifier) async throws -> AuditVerifier.Report {
        try await dbs.platform.withTransaction { connection in
            try await verifier.verify(tenant: tenant, on: connection, logger: dbs.platform.logger)
        }
    }

    func owner(_ dbs: TestDatabases, _ query: PostgresQuery) async throws {
        try await dbs.owner.withTransaction { connection in _ = try await connection.query(query, logger: dbs.owner.logger) }
    }

    @Test("an intact chain verifies, with its signed checkpoints")
    func intact() async throws {
        try await withLog { dbs, tenant, _, verifier in
            let report = try await verify(dbs, tenant, verifier)
            #expect(report.problem == nil)
            #expect(report.entries == 10)
            #expect(report.checkpoints == 2)
        }
    }

    @Test("the application role cannot update or delete entries")
    func appendOnly() async throws {
        try await withLog(count: 1) { dbs, tenant, _, _ in
            await #expect(throws: (any Error).self) {
                try await dbs.app.withTenantTransaction(tenant) { connection in
                    try await connection.query("UPDATE audit_log SET action = 'x' WHERE tenant_id = \(tenant.rawValue)", logger: dbs.app.logger)
                }
            }
        }
    }

    @Test("an edited entry is named")
    func edited() async throws {
        try await withLog { dbs, tenant, _, verifier in
            try await owner(dbs, "UPDATE audit_log SET details = '{\"n\":\"99\"}' WHERE tenant_id = \(tenant.rawValue) AND seq = 6")
            #expect(try await verify(dbs, tenant, verifier).problem?.seq == 6)
        }
    }

    @Test("a deleted entry is named")
    func deleted() async throws {
        try await withLog { dbs, tenant, _, verifier in
            try await owner(dbs, "DELETE FROM audit_log WHERE tenant_id = \(tenant.rawValue) AND seq = 3")
            #expect(try await verify(dbs, tenant, verifier).problem?.seq == 3)
        }
    }

    @Test("reordered entries are named")
    func reordered() async throws {
        try await withLog { dbs, tenant, _, verifier in
            // Swap entries 5 and 7 (through a free position, since the key is checked per row).
            try await dbs.owner.withTransaction { connection in
                for (from, to) in [(5, -5), (7, 5), (-5, 7)] {
                    try await connection.query("UPDATE audit_log SET seq = \(to) WHERE tenant_id = \(tenant.rawValue) AND seq = \(from)", logger: dbs.owner.logger)
                }
            }
            #expect(try await verify(dbs, tenant, verifier).problem?.seq == 5)
        }
    }

    @Test("a truncated log is detected")
    func truncated() async throws {
        try await withLog { dbs, tenant, _, verifier in
            try await owner(dbs, "DELETE FROM audit_log WHERE tenant_id = \(tenant.rawValue) AND seq > 8")
            let problem = try #require(try await verify(dbs, tenant, verifier).problem)
            #expect(problem.seq == 9)
            #expect(problem.reason.contains("truncated"))
        }
    }

    @Test("a truncated log with a rewound head is still caught by the signed checkpoint")
    func truncatedWithHead() async throws {
        try await withLog { dbs, tenant, _, verifier in
            try await owner(dbs, "DELETE FROM audit_log WHERE tenant_id = \(tenant.rawValue) AND seq > 6")
            try await owner(dbs, """
                UPDATE audit_heads SET seq = 6, head_hash = (SELECT entry_hash FROM audit_log WHERE tenant_id = \(tenant.rawValue) AND seq = 6)
                WHERE tenant_id = \(tenant.rawValue)
                """)
            #expect(try await verify(dbs, tenant, verifier).problem?.seq == 8)
        }
    }

    @Test("a forged checkpoint is detected")
    func forgedCheckpoint() async throws {
        try await withLog { dbs, tenant, _, verifier in
            let forger = Ed25519Signer(seed: SecureRandom.bytes(32))
            try await dbs.owner.withTransaction { connection in
                let rows = try await connection.query("SELECT entry_hash FROM audit_log WHERE tenant_id = \(tenant.rawValue) AND seq = 10", logger: dbs.owner.logger)
                for try await hash in rows.decode(PostgresByteArray.self) {
                    let signature = forger.sign(AuditEntry.checkpointMessage(tenant: tenant, seq: 10, entryHash: hash.bytes))
                    try await connection.query("""
                        INSERT INTO audit_checkpoints (tenant_id, seq, entry_hash, key_id, public_key, signature)
                        VALUES (\(tenant.rawValue), 10, \(hash), \(forger.keyID), \(PostgresByteArray(forger.publicKey)), \(PostgresByteArray(signature)))
                        """, logger: dbs.owner.logger)
                }
            }
            let problem = try #require(try await verify(dbs, tenant, verifier).problem)
            #expect(problem.seq == 10)
            #expect(problem.reason.contains("forged"))
        }
    }
}
