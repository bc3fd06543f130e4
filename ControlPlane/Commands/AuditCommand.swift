import ArgumentParser
import GlavitoCore
import Logging

/// `glavito audit verify [--tenant slug]`: recompute audit chains and checkpoints; exit 1 naming the first broken entry.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "audit", abstract: "Verify the tamper-evident audit log.", subcommands: [Verify.self, Checkpoint.self])

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Sign a checkpoint at the head of each tenant's chain now (run periodically, e.g. hourly, besides the automatic ones).")
        @Option(help: "Only this tenant (slug); all tenants when omitted.") var tenant: String?

        func run() async throws {
            let config = try CommandEnvironment.load()
            let signer: Ed25519Signer
            do { signer = try config.identity.auditSigner() } catch { throw CommandEnvironment.fail("\(error)") }
            let log = AuditLog(signer: signer, checkpointEvery: config.identity.auditCheckpointEvery)
            let logger = Logger(label: "glavito.audit")
            let slug = tenant
            try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                let tenants = try await TenantDirectory(platform: database).list().filter { slug == nil || $0.slug == slug }
                guard !tenants.isEmpty else { throw CommandEnvironment.fail("no tenant with slug '\(slug ?? "")'") }
                for tenant in tenants {
                    try await database.withTenantTransaction(tenant.id) { connection in
                        try await log.checkpointHead(tenant: tenant.id, on: connection, logger: logger)
                    }
                }
                print("signed the heads of \(tenants.count) tenant(s) with key \(signer.keyID)")
            }
        }
    }

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recompute every entry's hash chain and check the signed checkpoints.")
        @Option(help: "Only this tenant (slug); all tenants when omitted.") var tenant: String?

        func run() async throws {
            let config = try CommandEnvironment.load()
            let signer: Ed25519Signer
            do { signer = try config.identity.auditSigner() } catch { throw CommandEnvironment.fail("\(error)") }
            let verifier = AuditVerifier(trustedPublicKey: signer.publicKey)
            let logger = Logger(label: "glavito.audit")
            let slug = tenant
            let broken = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                var tenants = try await TenantDirectory(platform: database).list()
                if let slug {
                    tenants = tenants.filter { $0.slug == slug }
                    guard !tenants.isEmpty else { throw CommandEnvironment.fail("no tenant with slug '\(slug)'") }
                }
                var broken = 0
                for tenant in tenants {
                    let report = try await database.withTransaction { connection in
                        try await verifier.verify(tenant: tenant.id, on: connection, logger: logger)
                    }
                    print("\(tenant.slug): \(report)")
                    if report.problem != nil { broken += 1 }
                }
                return broken
            }
            if broken > 0 { throw ExitCode(1) }
        }
    }
}
