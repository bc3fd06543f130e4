import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing
@testable import ControlPlane

@Suite("Email: threading, split and merge")
struct EmailThreadingTests {
    static func mail(id: String, from: String = "Lena Schmidt <lena@example.org>", to: String, subject: String, inReplyTo: String? = nil,
                     references: [String] = [], body: String = "Hello", extra: String = "") -> String {
        var text = "From: \(from)\nTo: \(to)\nSubject: \(subject)\nMessage-ID: <\(id)>\nDate: Tue, 01 Dec 2026 10:00:00 +0000\n"
        if let inReplyTo { text += "In-Reply-To: <\(inReplyTo)>\n" }
        if !references.isEmpty { text += "References: \(references.map { "<\($0)>" }.joined(separator: " "))\n" }
        return text + extra + "Content-Type: text/plain; charset=utf-8\n\n\(body)\n"
    }

    /// The ticket and the thread decision of the message with `providerID`.
    static func placed(_ mail: EmailRig, _ box: EmailRig.Mailbox, _ providerID: String) async throws -> (UUID, String, String) {
        try await mail.rig.db(box.channel.tenant) { connection in
            let rows = try await connection.query("""
                SELECT ticket_id, content -> 'thread' ->> 'rule', content -> 'thread' ->> 'outcome' FROM messages WHERE provider_message_id = \(providerID)
                """, logger: TestDatabases.logger)
            for try await row in rows.decode((UUID, String, String).self) { return row }
            throw ChannelRig.RigError(message: "no message \(providerID)")
        }
    }

    @Test("Outlook-style replies (References only), the reply address, subject references from participants only, reopening and linking")
    func threading() async throws {
        try await EmailRig.with { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            let key = try await mail.rig.key([.ticketsRead, .ticketsReply, .ticketsAssign], box.channel)
            try await mail.deliver(Self.mail(id: "a1@example.org", to: box.address, subject: "Beans arrived broken"), to: box.address)
            let (ticket, rule, _) = try await Self.placed(mail, box, "a1@example.org")
            #expect(rule == "new")
            // Our reply gets a Message-ID at once.
            let reply = try await mail.rig.api(.POST, "/api/v1/tickets/\(ticket.uuidString.lowercased())/messages", box.channel, headers: key,
                                               json: #"{"type":"text","text":"Sorry! A new bag is on its way."}"#)
            #expect(reply.status == 202, "\(reply.body)")
            let ours = try #require(try await mail.value(box, String.self, "SELECT provider_message_id FROM messages WHERE ticket_id = \(ticket) AND direction = 'outbound'"))
            let token = try #require(try await mail.value(box, String.self, "SELECT email_token FROM tickets WHERE id = \(ticket)"))
            // Outlook: no In-Reply-To, our id somewhere in References.
            try await mail.deliver(Self.mail(id: "a2@example.org", to: box.address, subject: "AW: Beans arrived broken",
                                             references: ["unrelated@elsewhere.example", ours, "x@y.example"]), to: box.address)
            let (t2, r2, o2) = try await Self.placed(mail, box, "a2@example.org")
            #expect(t2 == ticket && r2 == "message_id" && o2 == "joined")
            // The reply address alone threads.
            try await mail.deliver(Self.mail(id: "a3@example.org", to: box.address, subject: "new subject entirely"),
                                   to: "support+\(token)@\(box.domain)")
            let (t3, r3, _) = try await Self.placed(mail, box, "a3@example.org")
            #expect(t3 == ticket && r3 == "reply_address")
            // A stranger quoting the reference gets a new ticket; the customer quoting it joins.
            try await mail.deliver(Self.mail(id: "s1@example.net", from: "Mallory <mallory@example.net>", to: box.address,
                                             subject: "Re: Beans [#\(token)]"), to: box.address)
            let (t4, r4, _) = try await Self.placed(mail, box, "s1@example.net")
            #expect(t4 != ticket && r4 == "new")
            try await mail.deliver(Self.mail(id: "a4@example.org", to: box.address, subject: "Re: Beans [#\(token)]"), to: box.address)
            let (t5, r5, _) = try await Self.placed(mail, box, "a4@example.org")
            #expect(t5 == ticket && r5 == "subject_reference")
            // Resolved recently: the reply reopens it. Closed: a new ticket links to it.
            _ = try await mail.rig.count(box.channel.tenant, "WITH u AS (UPDATE tickets SET status = 'resolved', resolved_at = now() WHERE id = \(ticket) RETURNING 1) SELECT count(*) FROM u")
            try await mail.deliver(Self.mail(id: "a5@example.org", to: box.address, subject: "Re: Beans", inReplyTo: ours), to: box.address)
            let (t6, _, o6) = try await Self.placed(mail, box, "a5@example.org")
            #expect(t6 == ticket && o6 == "reopened")
            #expect(try await mail.value(box, String.self, "SELECT status FROM tickets WHERE id = \(ticket)") == "open")
            _ = try await mail.rig.count(box.channel.tenant, "WITH u AS (UPDATE tickets SET status = 'closed', closed_at = now() WHERE id = \(ticket) RETURNING 1) SELECT count(*) FROM u")
            try await mail.deliver(Self.mail(id: "a6@example.org", to: box.address, subject: "Re: Beans", inReplyTo: ours), to: box.address)
            let (t7, _, o7) = try await Self.placed(mail, box, "a6@example.org")
            #expect(t7 != ticket && o7 == "new_linked")
            #expect(try await mail.value(box, UUID.self, "SELECT linked_ticket_id FROM tickets WHERE id = \(t7)") == ticket)
            // Email tickets start at the channel's priority (normal), which the list filters by.
            let normal = try await mail.rig.api(.GET, "/api/v1/tickets?priority=normal", box.channel, headers: key)
            #expect(normal.status == 200 && ((normal.json["tickets"] as? [Any])?.count ?? 0) >= 2, "\(normal.body)")
            let urgent = try await mail.rig.api(.GET, "/api/v1/tickets?priority=urgent", box.channel, headers: key)
            #expect(urgent.status == 200 && (urgent.json["tickets"] as? [Any])?.count == 0, "\(urgent.body)")
            #expect(try await mail.rig.api(.GET, "/api/v1/tickets?priority=soon", box.channel, headers: key).status == 400)
            // The same message delivered again is stored once.
            try await mail.deliver(Self.mail(id: "a6@example.org", to: box.address, subject: "Re: Beans", inReplyTo: ours), to: box.address)
            #expect(try await mail.rig.count(box.channel.tenant, "SELECT count(*) FROM messages WHERE provider_message_id = 'a6@example.org'") == 1)
        }
    }

    @Test("an agent splits a message into a new ticket and merges tickets, and undoes both")
    func splitAndMerge() async throws {
        try await EmailRig.with { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            let key = try await mail.rig.key([.ticketsRead, .ticketsReply, .ticketsAssign], box.channel)
            try await mail.deliver(Self.mail(id: "m1@example.org", to: box.address, subject: "Order 1"), to: box.address)
            let (ticket, _, _) = try await Self.placed(mail, box, "m1@example.org")
            try await mail.deliver(Self.mail(id: "m2@example.org", to: box.address, subject: "Also: order 2", references: ["m1@example.org"]),
                                   to: box.address)
            let second = try #require(try await mail.value(box, UUID.self, "SELECT id FROM messages WHERE provider_message_id = 'm2@example.org'"))
            let split = try await mail.rig.api(.POST, "/api/v1/messages/\(second.uuidString.lowercased())/split", box.channel, headers: key)
            #expect(split.status == 201, "\(split.body)")
            let newTicket = try #require((split.json["target_ticket_id"] as? String).flatMap(UUID.init(uuidString:)))
            let (now, _, _) = try await Self.placed(mail, box, "m2@example.org")
            #expect(now == newTicket)
            // Undo the split: the message returns, the split ticket is closed and points back.
            let undoSplit = try await mail.rig.api(.POST, "/api/v1/ticket-moves/\(split.json["id"] as? String ?? "")/undo", box.channel, headers: key)
            #expect(undoSplit.status == 200, "\(undoSplit.body)")
            #expect(try await Self.placed(mail, box, "m2@example.org").0 == ticket)
            #expect(try await mail.value(box, String.self, "SELECT status FROM tickets WHERE id = \(newTicket)") == "closed")
            // Merge another ticket into the first, then undo.
            try await mail.deliver(Self.mail(id: "m3@example.org", to: box.address, subject: "Order 3"), to: box.address)
            let (other, _, _) = try await Self.placed(mail, box, "m3@example.org")
            let merge = try await mail.rig.api(.POST, "/api/v1/tickets/\(other.uuidString.lowercased())/merge", box.channel, headers: key,
                                               json: #"{"into":"\#(ticket.uuidString.lowercased())"}"#)
            #expect(merge.status == 201, "\(merge.body)")
            #expect(try await Self.placed(mail, box, "m3@example.org").0 == ticket)
            #expect(try await mail.value(box, String.self, "SELECT status FROM tickets WHERE id = \(other)") == "closed")
            // Mail answering the merged ticket's message lands on the ticket it was merged into.
            try await mail.deliver(Self.mail(id: "m4@example.org", to: box.address, subject: "Re: Order 3", inReplyTo: "m3@example.org"), to: box.address)
            #expect(try await Self.placed(mail, box, "m4@example.org").0 == ticket)
            let undoMerge = try await mail.rig.api(.POST, "/api/v1/ticket-moves/\(merge.json["id"] as? String ?? "")/undo", box.channel, headers: key)
            #expect(undoMerge.status == 200, "\(undoMerge.body)")
            #expect(try await Self.placed(mail, box, "m3@example.org").0 == other)
            #expect(try await mail.value(box, String.self, "SELECT status FROM tickets WHERE id = \(other)") == "open")
            let again = try await mail.rig.api(.POST, "/api/v1/ticket-moves/\(merge.json["id"] as? String ?? "")/undo", box.channel, headers: key)
            #expect(again.status == 409)
            let audited = try await mail.rig.count(box.channel.tenant, "SELECT count(*) FROM audit_log WHERE action IN ('ticket.split', 'ticket.merged', 'ticket.move_undone')")
            #expect(audited == 4)
        }
    }
}
