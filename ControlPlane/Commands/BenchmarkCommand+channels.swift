import ArgumentParser
import Foundation
import GlavitoCore
import Logging

extension BenchmarkCommand {
    /// What the channel benchmarks share: the configuration, a quiet logger, the tenant key ring and a fresh tenant.
    static func channelSetup() async throws -> (GlavitoConfig, Logger, TenantKeyRing, TenantID) {
        let config = try CommandEnvironment.load()
        var logger = Logger(label: "glavito.benchmark")
        logger.logLevel = .warning
        guard let masterKey = config.identity.masterKey else { throw CommandEnvironment.fail("GLAVITO_MASTER_KEY is needed") }
        let keyRing = TenantKeyRing(masterKey: masterKey, previousKeys: config.identity.previousMasterKeys)
        return (config, logger, keyRing, try await EventAppend.benchTenant(config: config, logger: logger))
    }

    /// Checks a load's shape.
    static func validateLoad(messages: Int, concurrency: Int, customers: Int) throws {
        guard messages >= 1, (1...512).contains(concurrency), customers >= 1 else {
            throw ValidationError("need messages ≥ 1, concurrency 1...512, customers ≥ 1")
        }
    }

    /// The p-quantile (0...1) of `samples` by the nearest rank.
    static func percentiles(_ samples: [Double]) -> (Double) -> Double {
        let sorted = samples.sorted()
        return { p in sorted.isEmpty ? 0 : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
    }
}
