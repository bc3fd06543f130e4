import Foundation
import GlavitoCore
import Testing

@Suite("Identity configuration")
struct IdentityConfigTests {
    let base = ["GLAVITO_DATABASE_URL": "postgres://a:b@127.0.0.1:5432/x", "GLAVITO_PLATFORM_DATABASE_URL": "postgres://a:b@127.0.0.1:5432/x"]

    func load(_ extra: [String: String]) throws(ConfigError) -> IdentityConfig {
        try GlavitoConfig.load(from: base.merging(extra) { $1 }).identity
    }

    @Test("defaults are OWASP Argon2id, 30 minute idle and 12 hour absolute sessions, and no master key")
    func defaults() throws {
        let config = try load([:])
        #expect(config.argon2 == .owasp)
        #expect(config.sessionIdleSeconds == 1800 && config.sessionAbsoluteSeconds == 43_200)
        #expect(config.masterKey == nil)
        #expect(throws: ConfigError.self) { try config.requireMasterKey() }
    }

    @Test("the master key comes from the variable or a file, and bad values name their key")
    func masterKey() throws {
        let key = MasterKey.generate()
        #expect(try load(["GLAVITO_MASTER_KEY": key.base64]).masterKey?.id == key.id)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("mk-\(UUID().uuidString)")
        try (key.base64 + "\n").write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(try load(["GLAVITO_MASTER_KEY_FILE": file.path]).masterKey?.id == key.id)
        for (variables, named) in [
            (["GLAVITO_MASTER_KEY": "c2hvcnQ="], "GLAVITO_MASTER_KEY"),
            (["GLAVITO_MASTER_KEY_FILE": "/nonexistent/key"], "GLAVITO_MASTER_KEY_FILE"),
            (["GLAVITO_MASTER_KEY": key.base64, "GLAVITO_MASTER_KEY_FILE": file.path], "GLAVITO_MASTER_KEY_FILE"),
            (["GLAVITO_PREVIOUS_MASTER_KEYS": "nope"], "GLAVITO_PREVIOUS_MASTER_KEYS"),
            (["GLAVITO_ARGON2_MEMORY_KIB": "4"], "GLAVITO_ARGON2_MEMORY_KIB"),
            (["GLAVITO_SESSION_IDLE_MINUTES": "0"], "GLAVITO_SESSION_IDLE_MINUTES"),
        ] {
            do {
                _ = try load(variables)
                Issue.record("accepted \(variables)")
            } catch {
                #expect(error.key == named, "\(error)")
            }
        }
    }
}
