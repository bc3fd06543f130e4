import Foundation
import GlavitoTestSupport
import Testing

@Suite("glavito tenants")
struct TenantsCommandTests {
    static func run(_ arguments: [String]) async throws -> (status: Int32, output: String) {
        try await ManagedProcess.run(
            executable: try TestEnvironment.binDirectory().appendingPathComponent("glavito"),
            arguments: arguments, environment: try TestEnvironment.processEnvironment(extra: ["GLAVITO_LOG_LEVEL": "warning"])
        )
    }

    @Test("apply is idempotent and list shows the tenant")
    func applyTwice() async throws {
        let slug = "cli-\(UInt32.random(in: 0...UInt32.max))"
        let file = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent("\(slug).yaml")
        try Data("slug: \(slug)\nname: CLI Tenant\nbranding:\n  colors:\n    primary: \"#112233\"\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }

        let first = try await Self.run(["tenants", "apply", file.path])
        #expect(first.status == 0, "\(first.output)")
        #expect(first.output.contains("\(slug): created"))
        let second = try await Self.run(["tenants", "apply", file.path])
        #expect(second.output.contains("\(slug): unchanged"))
        let list = try await Self.run(["tenants", "list"])
        #expect(list.output.contains(slug))
    }

    @Test("a malformed file is reported with file and line, and nothing is applied")
    func malformed() async throws {
        let slug = "bad-\(UInt32.random(in: 0...UInt32.max))"
        let directory = URL(fileURLWithPath: NSTemporaryDirectory()).appendingPathComponent(slug)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try Data("slug: \(slug)-ok\nname: Fine\n".utf8).write(to: directory.appendingPathComponent("a.yaml"))
        try Data("slug: \(slug)\nname: Broken\nbranding:\n  colors:\n    primary: blue\n".utf8)
            .write(to: directory.appendingPathComponent("b.yaml"))

        let result = try await Self.run(["tenants", "apply", directory.path])
        #expect(result.status == 1)
        #expect(result.output.contains("b.yaml:5:14: branding.colors.primary must be a colour"))
        #expect(result.output.contains("nothing applied"))
        let list = try await Self.run(["tenants", "list"])
        #expect(!list.output.contains("\(slug)-ok"), "the valid file in the same run must not be applied either")
    }
}
