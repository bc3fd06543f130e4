import ArgumentParser
import Foundation
import GlavitoCore

/// `glavito benchmark password-hash`: Argon2id hash time and memory with the configured parameters (for `make bench`).
struct BenchmarkCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "benchmark", abstract: "Measure password hashing and the event log on this machine.", shouldDisplay: false,
        subcommands: [PasswordHash.self, EventAppend.self, EventConsume.self, WhatsAppInbound.self, SMTPInbound.self, WorkspaceSeed.self]
    )

    struct PasswordHash: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "password-hash", abstract: "Time Argon2id hashes, one at a time and concurrently.")
        @Option(help: "Hashes to time.") var count = 20

        func run() async throws {
            let config = try CommandEnvironment.load()
            let hasher = PasswordHasher(parameters: config.identity.argon2, maximumConcurrentHashes: config.identity.argon2Concurrency)
            let before = Self.maxResidentKiB()
            var timings: [Double] = []
            for index in 0..<count {
                let start = ContinuousClock.now
                _ = try hasher.hashBlocking("benchmark-password-\(index)")
                let elapsed = ContinuousClock.now - start
                timings.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
            }
            let after = Self.maxResidentKiB()
            timings.sort()
            let mean = timings.reduce(0, +) / Double(timings.count)
            print(String(format: "argon2id %@: mean %.1f ms, median %.1f ms, min %.1f ms, max %.1f ms over %d hashes",
                         config.identity.argon2.description, mean, timings[timings.count / 2], timings.first ?? 0, timings.last ?? 0, count))
            print("argon2id memory: \(config.identity.argon2.memoryKiB) KiB per hash by parameter; process peak RSS grew \(after - before) KiB (peak \(after) KiB)")
            let parallel = config.identity.argon2Concurrency * 20
            let start = ContinuousClock.now
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<parallel { group.addTask { _ = try await hasher.hash("parallel-\(index)") } }
                try await group.waitForAll()
            }
            let elapsed = ContinuousClock.now - start
            let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
            print(String(format: "argon2id throughput with concurrency %d: %.1f hashes/s (%d hashes in %.2f s)",
                         config.identity.argon2Concurrency, Double(parallel) / seconds, parallel, seconds))
        }

        static func maxResidentKiB() -> Int {
            var usage = rusage()
            getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
            return usage.ru_maxrss
        }
    }
}
