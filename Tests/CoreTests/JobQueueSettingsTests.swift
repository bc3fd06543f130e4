import GlavitoCore
import Testing

@Suite("Job queue configuration")
struct JobQueueSettingsTests {
    let base = [
        "GLAVITO_DATABASE_URL": "postgres://app:secret@127.0.0.1:5432/glavito",
        "GLAVITO_PLATFORM_DATABASE_URL": "postgres://platform:secret@127.0.0.1:5432/glavito",
    ]

    func load(_ extra: [String: String]) throws(ConfigError) -> GlavitoConfig {
        try GlavitoConfig.load(from: base.merging(extra) { _, new in new })
    }

    @Test("defaults are documented values")
    func defaults() throws {
        let config = try load([:])
        #expect(config.jobs == JobQueueSettings.defaults)
        #expect(config.workerQueues == JobQueues.all)
    }

    @Test("values are read and validated, naming the offending key")
    func validation() throws {
        let tenant = "0b9e3c8e-6d0a-4c36-9a0f-0d6f1f2b9c11"
        let config = try load([
            "GLAVITO_JOBS_CLAIM_BATCH": "250", "GLAVITO_JOBS_HISTORY": "on", "GLAVITO_WORKER_TENANTS": tenant,
            "GLAVITO_WORKER_QUEUES": "ai, media", "GLAVITO_JOBS_CLAIM_STRATEGY": "GLOBAL",
        ])
        #expect(config.jobs.claimBatch == 250 && config.jobs.recordCompletions && config.jobs.claimStrategy == "global")
        #expect(config.jobs.dedicatedTenants.map(\.description) == [tenant])
        #expect(config.workerQueues == ["ai", "media"])
        for (key, value) in [
            ("GLAVITO_JOBS_CLAIM_STRATEGY", "random"), ("GLAVITO_WORKER_TENANTS", "acme"), ("GLAVITO_WORKER_QUEUES", "sms"),
            ("GLAVITO_JOBS_HISTORY", "maybe"), ("GLAVITO_JOBS_LEASE_SECONDS", "1"), ("GLAVITO_JOBS_CLAIM_BATCH", "0"),
        ] {
            #expect(throws: ConfigError.self) { try load([key: value]) }
            do {
                _ = try load([key: value])
            } catch {
                #expect(error.key == key)
            }
        }
    }
}
