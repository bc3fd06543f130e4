import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing
@testable import ControlPlane

@Suite("Email: delivery outcomes")
struct EmailDeliveryTests {
    /// A ticket from a customer's mail and an agent's queued reply on it; returns the reply's id.
    static func queuedReply(_ mail: EmailRig, _ box: EmailRig.Mailbox) async throws -> UUID {
        try await mail.deliver(EmailThreadingTests.mail(id: "q-\(UUID().uuidString)@example.org", to: box.address, subject: "Question"), to: box.address)
        let ticket = try #require(try await mail.value(box, UUID.self, "SELECT id FROM tickets LIMIT 1"))
        let key = try await mail.rig.key([.ticketsRead, .ticketsReply], box.channel)
        let reply = try await mail.rig.api(.POST, "/api/v1/tickets/\(ticket.uuidString.lowercased())/messages", box.channel, headers: key,
                                           json: #"{"type":"text","text":"Here is the answer."}"#)
        #expect(reply.status == 202, "\(reply.body)")
        return try #require((reply.json["id"] as? String).flatMap(UUID.init(uuidString:)))
    }

    static func status(_ mail: EmailRig, _ box: EmailRig.Mailbox, _ id: UUID) async throws -> String? {
        try await mail.value(box, String.self, "SELECT delivery_status FROM messages WHERE id = \(id)")
    }

    @Test("a relay that wants AUTH and defers the first attempt (451) gets the reply exactly once, on the retry")
    func authAndTransientFailure() async throws {
        try await EmailRig.with(sinkArguments: ["--user", "glavito", "--password", "s3cret-pass", "--defer", "1"]) { mail in
            let box = try await mail.mailbox(autoAcknowledge: false, extra: ["smtp_username": "glavito"],
                                             secrets: ChannelSecrets(smtpPassword: "s3cret-pass"))
            let worker = try await mail.rig.startWorker(box.channel.tenant)
            defer { worker.send(SIGTERM) }
            let id = try await Self.queuedReply(mail, box)
            #expect(try await mail.rig.eventually(timeout: .seconds(60)) { try await Self.status(mail, box, id) == "sent" })
            #expect(mail.sunk().count == 1)
        }
    }

    @Test("a permanent refusal (5xx) fails the reply with the relay's text")
    func permanentRefusal() async throws {
        try await EmailRig.with(sinkArguments: ["--refuse"]) { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            let worker = try await mail.rig.startWorker(box.channel.tenant)
            defer { worker.send(SIGTERM) }
            let id = try await Self.queuedReply(mail, box)
            #expect(try await mail.rig.eventually(timeout: .seconds(60)) { try await Self.status(mail, box, id) == "failed" })
            let error = try await mail.value(box, String.self, "SELECT delivery_error::text FROM messages WHERE id = \(id)")
            #expect(error?.contains("554") == true && error?.contains("refused by policy") == true, "\(error ?? "")")
        }
    }

    @Test("an attempt that may have reached the relay (the worker died after the final dot) is reported failed, never sent again")
    func inDoubtIsNotResent() async throws {
        try await EmailRig.with { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            let id = try await Self.queuedReply(mail, box)
            // What a worker killed between our final "." and the relay's answer leaves behind.
            _ = try await mail.rig.count(box.channel.tenant, "WITH u AS (UPDATE messages SET send_started_at = now() WHERE id = \(id) RETURNING 1) SELECT count(*) FROM u")
            let worker = try await mail.rig.startWorker(box.channel.tenant)
            defer { worker.send(SIGTERM) }
            #expect(try await mail.rig.eventually(timeout: .seconds(60)) { try await Self.status(mail, box, id) == "failed" })
            let error = try await mail.value(box, String.self, "SELECT delivery_error ->> 'title' FROM messages WHERE id = \(id)")
            #expect(error == "Outcome unknown")
            try await Task.sleep(for: .seconds(1))
            #expect(mail.sunk().isEmpty)
        }
    }
}
