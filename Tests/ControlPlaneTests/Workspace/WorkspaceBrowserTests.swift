import Foundation
import GlavitoCore
import GlavitoTestSupport
import Testing

/// The agent workspace in Debian's Chromium (Playwright): live inbox, reply with delivery ticks, collision
/// detection, the closed window's templates, on a desktop and a 390x844 phone viewport. Screenshots and figures go
/// to test-output/workspace (docs/workspace.md). One browser flow at a time: the latency figures mean more.
@Suite("Workspace: the agent workspace in a browser", .serialized)
struct WorkspaceBrowserTests {
    @Test("a WhatsApp message appears live in the inbox, the reply reaches the Graph API, a delivered status shows the ticks", arguments: ["desktop", "phone"])
    func liveInboxAndReply(viewport: String) async throws {
        try await WorkspaceRig.with { rig in
            let result = try await rig.run(["reply"], viewport: viewport)
            #expect(result.status == 0, "\(result.output)")
            print(result.output)
        }
    }

    @Test("two agents on one ticket each see the other viewing and typing; a note's @mention reaches the other live", arguments: ["desktop", "phone"])
    func presence(viewport: String) async throws {
        try await WorkspaceRig.with { rig in
            let result = try await rig.run(["presence"], viewport: viewport)
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("the window has closed: free text is disabled and a template goes out instead", arguments: ["desktop", "phone"])
    func closedWindowTemplate(viewport: String) async throws {
        try await WorkspaceRig.with { rig in
            let customer = try await rig.closedWindowCustomer()
            let result = try await rig.run(["template"], viewport: viewport, extra: ["customer": customer])
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("an admin adds a custom field with a pattern; an agent's invalid value is refused with the reason", arguments: ["desktop", "phone"])
    func customFieldRefused(viewport: String) async throws {
        try await WorkspaceRig.with { rig in
            let result = try await rig.run(["fields"], viewport: viewport)
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("an admin creates a team and a contact field; the agent's invalid customer value is refused, a valid one saved; My teams and a field filter")
    func teamsAndContactField() async throws {
        try await WorkspaceRig.with { rig in
            let result = try await rig.run(["teams"], viewport: "desktop")
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("a WhatsApp reply with a photo from the composer goes out as an image with its caption; the timeline shows its thumbnail")
    func mediaReply() async throws {
        try await WorkspaceRig.with { rig in
            let result = try await rig.run(["media"], viewport: "desktop")
            #expect(result.status == 0, "\(result.output)")
        }
    }

    @Test("an email arrives over SMTP: the agent sees subject, sender and thread rule with the quote folded away, and replies with a Cc",
          arguments: ["desktop", "phone"])
    func emailTicket(viewport: String) async throws {
        try await WorkspaceRig.with { rig in
            let result = try await rig.run(["email"], viewport: viewport)
            #expect(result.status == 0, "\(result.output)")
        }
    }
}
