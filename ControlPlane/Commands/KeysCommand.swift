import ArgumentParser
import GlavitoCore
import Logging

/// `glavito keys generate|rotate`: master key handling.
struct KeysCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys", abstract: "Generate a master key, or re-wrap tenant data keys under a new one.",
        subcommands: [Generate.self, Rotate.self]
    )

    struct Generate: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print a new random master key (base64) for GLAVITO_MASTER_KEY or a key file.")
        func run() { print(MasterKey.generate().base64) }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: """
            Re-wrap every tenant data key under GLAVITO_MASTER_KEY. Put the old key(s) in GLAVITO_PREVIOUS_MASTER_KEYS. \
            Encrypted rows are not rewritten.
            """)
        @Option(help: "Only this tenant (slug); all tenants when omitted.") var tenant: String?

        func run() async throws {
            let config = try CommandEnvironment.load()
            let master: MasterKey
            do { master = try config.identity.requireMasterKey() } catch { throw CommandEnvironment.fail("\(error)") }
            let ring = TenantKeyRing(masterKey: master, previousKeys: config.identity.previousMasterKeys)
            let logger = Logger(label: "glavito.keys")
            do {
                let slug = tenant
                let count = try await Database.withRunning(url: config.platformDatabase, logger: logger) { database in
                    var only: TenantID?
                    if let slug {
                        guard let found = try await TenantDirectory(platform: database).list().first(where: { $0.slug == slug }) else {
                            throw CommandEnvironment.fail("no tenant with slug '\(slug)'")
                        }
                        only = found.id
                    }
                    return try await ring.rewrapAll(platform: database, tenant: only)
                }
                print("re-wrapped \(count) tenant data key(s) under master key \(master.id)")
            } catch let error as TenantKeyRing.KeyRingError {
                throw CommandEnvironment.fail("nothing changed: \(error)")
            }
        }
    }
}
