import Foundation
import GlavitoCore
import Testing

@Suite("Users and roles in tenant files")
struct TenantMembersParserTests {
    func parse(_ text: String) throws(TenantDefinitionError) -> TenantDefinition {
        try TenantDefinitionParser().parse(text, file: "t.yaml", baseDirectory: URL(fileURLWithPath: "/tmp"))
    }

    @Test("users and custom roles are read, emails normalised")
    func reads() throws {
        let definition = try parse("""
            slug: acme
            name: Acme
            roles:
              - key: qa
                name: Quality
                permissions: [tickets.read, audit.read]
                scope: teams
                mfa_required: true
            teams:
              - emea
              - key: apac
                name: Asia-Pacific
                description: Sydney and Singapore
            users:
              - email: Boss@Acme.test
                name: Boss
                role: owner
              - email: q@acme.test
                role: qa
                teams: [emea]
            """)
        #expect(definition.roles == [TenantRoleDefinition(key: "qa", name: "Quality", permissions: ["tickets.read", "audit.read"], scope: "teams", mfaRequired: true)])
        #expect(definition.teams == [TenantTeamDefinition(key: "emea", name: "emea"),
                                     TenantTeamDefinition(key: "apac", name: "Asia-Pacific", description: "Sydney and Singapore")])
        #expect(definition.users == [TenantUserDefinition(email: "boss@acme.test", name: "Boss", role: "owner"),
                                     TenantUserDefinition(email: "q@acme.test", name: "q@acme.test", role: "qa", teams: ["emea"])])
    }

    @Test("mistakes are reported with their line", arguments: [
        ("users:\n  - email: a@b.test\n    role: wizard\n", 3, "wizard"),
        ("roles:\n  - key: x\n    permissions: [tickets.fly]\n", 3, "tickets.fly"),
        ("users:\n  - email: not-an-email\n", 2, "not-an-email"),
        ("roles:\n  - key: owner\n", 2, "owner"),
        ("users:\n  - email: a@b.test\n    teams: [emea]\n", 3, "not listed under teams:"),
        ("teams:\n  - Not A Key\n", 2, "team key 'Not A Key'"),
        ("teams:\n  - emea\n  - key: emea\n", 3, "listed twice"),
    ])
    func errors(tail: String, line: Int, mentions: String) {
        do {
            _ = try parse("slug: acme\nname: Acme\n" + tail)
            Issue.record("accepted: \(tail)")
        } catch {
            #expect(error.line == line + 2, "\(error)")
            #expect(error.message.contains(mentions))
        }
    }
}
