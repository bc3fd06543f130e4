import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

@Suite("Tenant definition files")
struct TenantDefinitionTests {
    let directory = URL(fileURLWithPath: NSTemporaryDirectory())

    func parse(_ yaml: String) throws(TenantDefinitionError) -> TenantDefinition {
        try TenantDefinitionParser().parse(yaml, file: "tenants/x.yaml", baseDirectory: directory)
    }

    @Test("the shipped demo tenant parses, with its logo inlined as a data URI")
    func demo() throws {
        let path = try TestEnvironment.repoRoot().appendingPathComponent("tenants/demo.yaml").path
        let demo = try TenantDefinitionParser().parseFile(at: path)
        #expect(demo.slug == "demo")
        #expect(demo.branding.primaryColor == "#0f766e")
        #expect(demo.branding.logoURL?.hasPrefix("data:image/svg+xml;base64,") == true)
        #expect(demo.domains == ["support.northwind.test"])
        #expect(demo.teams.map(\.key) == ["emea", "americas"], "the demo's users name these teams")
        #expect(demo.channels.map(\.kind) == ["whatsapp", "webchat", "email"] && demo.channels.first?.secretsEnv.count == 3)
    }

    @Test("malformed files are rejected with file, line and a clear message", arguments: [
        ("slug: demo\nname: X\nbranding:\n  colors:\n    primary: teal\n", 5, "must be a colour"),
        ("slug: demo\nname: X\ncolour: red\n", 3, "unknown key 'colour'"),
        ("slug: Demo_1\nname: X\n", 1, "slug 'Demo_1'"),
        ("name: X\n", 1, "missing required key 'slug'"),
        ("slug: demo\nname: X\ncustom_fields:\n  - support\n", 4, "reserved for a later release"),
        ("slug: demo\nname: X\nchannels:\n  - kind: whatsapp\n    name: WA\n", 4, "needs external_id"),
        ("slug: demo\nname: X\nchannels:\n  - kind: sms\n    name: SMS\n", 4, "kind must be whatsapp"),
        ("slug: demo\nname: X\nchannels:\n  - kind: whatsapp\n    name: WA\n    external_id: '1'\n    secrets_env:\n      password: X\n", 8, "unknown key 'password'"),
        ("slug: demo\nname: [unclosed\n", 3, "invalid YAML"),
        ("slug: demo\nname: X\ndomains: [not a domain]\n", 3, "is not a domain name"),
        ("slug: demo\nname: X\nbranding:\n  logo: missing.svg\n", 4, "cannot be read"),
        ("slug: demo\nname: X\nstatus: paused\n", 3, "status must be one of"),
    ])
    func malformed(yaml: String, line: Int, message: String) {
        #expect {
            try parse(yaml)
        } throws: { error in
            guard let error = error as? TenantDefinitionError else { return false }
            return error.file == "tenants/x.yaml" && error.line == line && error.description.contains(message)
        }
    }

    @Test("a logo that is not an image is refused")
    func logoSniffed() throws {
        let file = directory.appendingPathComponent("logo-\(UUID().uuidString).svg")
        try Data("#!/bin/sh\necho not an image\n".utf8).write(to: file)
        defer { try? FileManager.default.removeItem(at: file) }
        #expect(throws: TenantDefinitionError.self) {
            try parse("slug: demo\nname: X\nbranding:\n  logo: \(file.lastPathComponent)\n")
        }
    }
}
