import Foundation
import GlavitoCore
import GlavitoTestSupport
import PostgresNIO
import Testing
@testable import ControlPlane

@Suite("Email: inbound over SMTP")
struct EmailInboundTests {
    /// Corpus messages where our parser and Python's differ on purpose (the same list, with reasons, as
    /// Tests/CoreTests/Email/MIMEPythonComparisonTests.swift).
    static let differences: [String: Set<String>] = [
        "msg_17.txt": ["text"], "msg_25.txt": ["text"], "msg_31.txt": ["text"], "msg_41.txt": ["text"], "msg_43.txt": ["from"],
    ]

    @Test("every message of CPython's email corpus and our built ones, sent with smtplib, is stored as Python's email package reads it")
    func corpusThroughSMTPLib() async throws {
        try await EmailRig.with { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            let built = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-built-\(UUID().uuidString)")
            defer { try? FileManager.default.removeItem(at: built) }
            let script = try TestEnvironment.repoRoot().appendingPathComponent("Tests/e2e/smtp_corpus_send.py").path
            let (status, output) = try await ManagedProcess.run(executable: try PythonPeer.python(),
                                                                arguments: [script, String(mail.smtpPort), box.address, built.path],
                                                                environment: ProcessInfo.processInfo.environment)
            guard status == 0, let line = output.split(separator: "\n").last(where: { $0.hasPrefix("[") }),
                  let sent = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [[String: Any]] else {
                Issue.record("the sender failed with status \(status) (-1: killed after the timeout): \(output.suffix(3000))")
                return
            }
            #expect(sent.count >= 45)
            var exact = 0
            var repeats = 0
            for entry in sent {
                let file = URL(fileURLWithPath: entry["file"] as? String ?? "").lastPathComponent
                #expect(entry["smtp"] as? Int == 250, "\(file): \(entry["smtp_text"] ?? "")")
                let hash = entry["sha256"] as? String ?? ""
                let stored = try await mail.rig.db(box.channel.tenant) { connection -> (String, String?, String)? in
                    let rows = try await connection.query("""
                        SELECT m.content::text, m.text,
                               coalesce((SELECT string_agg(coalesce(a.filename, ''), '|' ORDER BY a.created_at, a.id) FROM attachments a
                                         WHERE a.message_id = m.id AND a.kind <> 'raw_email'), '')
                        FROM attachments r JOIN messages m ON m.id = r.message_id
                        WHERE r.kind = 'raw_email' AND r.sha256 = \(hash)
                        """, logger: TestDatabases.logger)
                    for try await row in rows.decode((String, String?, String).self) { return row }
                    return nil
                }
                if entry["repeat"] as? Bool == true {
                    // The same Message-ID again (CPython's corpus has a few): stored once, this copy not at all.
                    #expect(stored == nil, "\(file) repeats a Message-ID and must not be stored twice")
                    repeats += 1
                    continue
                }
                guard let (contentText, text, names) = stored else {
                    Issue.record("\(file) was accepted but not stored")
                    continue
                }
                let content = try JSONCoding.decode(EmailMessageContent.self, from: contentText)
                let allowed = Self.differences[file] ?? []
                var same = true
                if let subject = entry["subject"] as? String, (entry["errors"] as? [String: Any])?["subject"] == nil {
                    same = same && content.subject == subject
                    #expect(content.subject == subject, "\(file): subject")
                }
                let from = entry["from"] as? [String] ?? []
                if !allowed.contains("from"), let first = from.first, (entry["errors"] as? [String: Any])?["from"] == nil {
                    same = same && content.from.first?.address.lowercased() == first.lowercased()
                    #expect(content.from.first?.address.lowercased() == first.lowercased(), "\(file): from")
                }
                if !allowed.contains("text"), let expected = entry["text"] as? String {
                    let ours = content.bodyText ?? text ?? ""
                    let matches = Self.normalised(ours) == Self.normalised(expected)
                    same = same && matches
                    #expect(matches, "\(file): text\nours:   \(ours.prefix(300).debugDescription)\npython: \(expected.prefix(300).debugDescription)")
                }
                let expectedNames = (entry["attachments"] as? [Any] ?? []).compactMap { $0 as? String }
                let ourNames = names.isEmpty ? [] : names.split(separator: "|", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
                #expect(Set(expectedNames).isSubset(of: Set(ourNames)), "\(file): attachments \(ourNames) vs \(expectedNames)")
                if same { exact += 1 }
            }
            print("SMTP corpus: \(sent.count) messages sent with smtplib, \(sent.count - repeats) stored, \(exact) match Python field by field, \(repeats) repeated Message-IDs stored once")
        }
    }

    static func normalised(_ text: String) -> String {
        text.replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.trimmingCharacters(in: .whitespaces) }.joined(separator: "\n").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("unknown recipients are refused at RCPT; a message that does not parse is still stored raw with its warnings")
    func refusalsAndBrokenMail() async throws {
        try await EmailRig.with { mail in
            let box = try await mail.mailbox(autoAcknowledge: false)
            await #expect(throws: SMTPClientError.self) {
                try await mail.deliver("Subject: hi\n\nhello\n", to: "nobody@\(box.domain)")
            }
            do {
                try await mail.deliver("Subject: hi\n\nhello\n", to: "nobody@\(box.domain)")
            } catch let SMTPClientError.refused(_, reply) {
                #expect(reply.code == 550)
            }
            let broken = "From: someone@example.org\nSubject: broken\nContent-Type: multipart/mixed; boundary=\"never\"\nMessage-ID: <broken-1@example.org>\n\nno boundary here\n\u{1}\u{2}\n"
            let reply = try await mail.deliver(broken, to: box.address)
            #expect(reply.code == 250)
            let warnings = try await mail.value(box, String.self, "SELECT content->>'warnings' FROM messages WHERE provider_message_id = 'broken-1@example.org'")
            #expect(warnings?.isEmpty == false, "a parse warning is shown")
            let raw = try await mail.rig.count(box.channel.tenant, """
                SELECT count(*) FROM attachments a JOIN messages m ON m.id = a.message_id
                WHERE m.provider_message_id = 'broken-1@example.org' AND a.kind = 'raw_email' AND a.state = 'stored'
                """)
            #expect(raw == 1)
        }
    }
}
