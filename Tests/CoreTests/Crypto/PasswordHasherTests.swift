import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Argon2id password hashing")
struct PasswordHasherTests {
    let hasher = PasswordHasher(parameters: .owasp)

    @Test("our PHC hashes verify with argon2-cffi, and a wrong password does not")
    func oursVerifyWithArgon2Cffi() async throws {
        let password = "correct horse battery staple ✓"
        let phc = try await hasher.hash(password)
        #expect(phc.hasPrefix("$argon2id$v=19$m=19456,t=2,p=1$"))
        let accepted = try await PythonPeer.run("argon2-verify", [phc, password])
        #expect(accepted.status == 0, "argon2-cffi said: \(accepted.output)")
        let rejected = try await PythonPeer.run("argon2-verify", [phc, password + "x"])
        #expect(rejected.status == 1)
    }

    @Test("argon2-cffi's hashes verify with ours, and need a rehash when their parameters differ")
    func theirsVerifyWithOurs() async throws {
        let password = "Zebra-Lantern-42-Quietly"
        let theirs = try await PythonPeer.run("argon2-hash", [password, "19456", "2", "1"])
        #expect(theirs.status == 0)
        #expect(try await hasher.verify(password, against: theirs.output))
        #expect(try await hasher.verify("Zebra-Lantern-42-quietly", against: theirs.output) == false)
        #expect(!hasher.needsRehash(theirs.output))
        let cheaper = try await PythonPeer.run("argon2-hash", [password, "8192", "1", "1"])
        #expect(try await hasher.verify(password, against: cheaper.output))
        #expect(hasher.needsRehash(cheaper.output))
    }

    @Test("PHC parameters are parsed and malformed strings refused")
    func parsesParameters() {
        #expect(Argon2Parameters(phc: "$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$aGFzaA") == Argon2Parameters(memoryKiB: 65536, iterations: 3, parallelism: 4))
        #expect(Argon2Parameters(phc: "$argon2i$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA") == nil)
        #expect(Argon2Parameters(phc: "not a hash") == nil)
        #expect(!hasher.verifyBlocking("x", against: "$2b$12$abcdefghijklmnopqrstuv"))
    }

    @Test("the password policy refuses short and common passwords")
    func policy() throws {
        let policy = PasswordPolicy(minimumLength: 12)
        #expect(throws: PasswordPolicy.Violation.tooShort(minimum: 12)) { try policy.check("short1!") }
        #expect(throws: PasswordPolicy.Violation.common) { try policy.check("Password2024!") }
        #expect(throws: PasswordPolicy.Violation.common) { try policy.check("qwertyuiopasdf") }
        try policy.check("maple-orbit-cactus-17")
    }

    @Test("concurrent hashes are bounded and all complete")
    func boundedConcurrency() async throws {
        let small = PasswordHasher(parameters: Argon2Parameters(memoryKiB: 1024, iterations: 1, parallelism: 1), maximumConcurrentHashes: 2)
        let hashes = try await withThrowingTaskGroup(of: String.self) { group in
            for index in 0..<8 { group.addTask { try await small.hash("password-number-\(index)") } }
            return try await group.reduce(into: [String]()) { $0.append($1) }
        }
        #expect(Set(hashes).count == 8)
    }
}
