import Foundation
import GlavitoCore
import Testing

/// MIMEParser against Python's `email` package (policy.default) on CPython's own email test corpus and on messages
/// built here: subject, From addresses, the plain-text body and the attachment file names, field by field.
/// Tests/e2e/email_expect.py prints what Python reads; it runs with the repository's .venv Python (or python3).
@Suite("Email: MIMEParser matches Python's email package")
struct MIMEPythonComparisonTests {
    /// Where Python and MIMEParser legitimately differ, per corpus file and field, with the reason.
    static let exceptions: [String: (fields: Set<String>, reason: String)] = [
        // A multipart whose boundary never occurs in the body (or that has no boundary parameter): Python leaves the
        // body unparsed and get_body finds no text ("" or None); we show the body as text/plain, with a warning.
        "msg_17.txt": (["text"], "boundary never occurs; we show the body as text"),
        "msg_25.txt": (["text"], "multipart/report whose boundary parameter is cut off; we show the body as text"),
        "msg_31.txt": (["text"], "boundary parameter differs from the delimiters in the body; we show the body as text"),
        "msg_41.txt": (["text"], "multipart/alternative without a boundary parameter; we show the body as text"),
        // "From: <>" (a null sender): Python reports the addr_spec "<>", we report no mailbox.
        "msg_43.txt": (["from"], "null sender <> is no mailbox"),
    ]

    struct Expected: Decodable {
        var file: String
        var subject: String?
        var from: [String]?
        var text: String?
        var attachments: [String?]?
        var errors: [String: String]
    }

    /// Messages this test builds: RFC 2047 subjects in several charsets, RFC 2231 file names, ISO-2022-JP and
    /// Windows-1252 bodies.
    static func builtMessages() -> [(name: String, bytes: [UInt8])] {
        let crlf = { (lines: [String]) in Array(lines.joined(separator: "\r\n").utf8) }
        let iso2022Body: [UInt8] = [27, 36, 66, 36, 51, 36, 115, 36, 75, 36, 65, 36, 79, 33, 34, 64, 36, 51, 38, 33, 35, 27, 40, 66, 13, 10]
        return [
            ("built_utf8_b.eml", crlf([
                "From: =?UTF-8?B?R3LDvMOfZSDigqw=?= <gruss@example.de>", "Subject: =?UTF-8?B?R3LDvMOfZSDigqw=?= =?UTF-8?Q?_und_mehr?=",
                "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", "R3LDvMOfZSDigqw=", "",
            ])),
            ("built_latin1_q.eml", crlf([
                "From: =?iso-8859-1?q?Andr=E9?= Pirard <pirard@example.be>, b@example.org", "Subject: =?iso-8859-1?q?caf=E9_cr=E8me?= =?iso-8859-1?q?_br=FBl=E9e?= ok",
                "Content-Type: text/plain; charset=iso-8859-1", "Content-Transfer-Encoding: quoted-printable", "", "Cr=E8me br=FBl=E9e =", "pour deux.", "",
            ])),
            ("built_iso2022jp.eml", crlf([
                "From: =?ISO-2022-JP?B?GyRCRnxLXDhsGyhC?= <jp@example.jp>", "Subject: =?ISO-2022-JP?B?GyRCRnxLXDhsJE43b0w+GyhC?=",
                "MIME-Version: 1.0", "Content-Type: text/plain; charset=ISO-2022-JP", "Content-Transfer-Encoding: 7bit", "", "",
            ]) + iso2022Body),
            ("built_cp1252.eml", crlf([
                "From: shop@example.com", "Subject: =?koi8-r?B?8NLJ18XULCDNydI=?=", "Content-Type: text/plain; charset=windows-1252",
                "Content-Transfer-Encoding: 8bit", "", "",
            ]) + [0x80, 0x20, 0x93, 0x71, 0x75, 0x6F, 0x74, 0x65, 0x73, 0x94, 0x20, 0x96, 0x20, 0x64, 0x61, 0x73, 0x68, 13, 10]),
            ("built_cjk_subjects.eml", crlf([
                "From: a@example.tw", "Subject: =?big5?B?pKSk5aVEw0Q=?= / =?gb2312?B?1tDOxNb3zOI=?= / =?euc-kr?B?x9Gxub7uIMGmuPE=?=",
                "Content-Type: text/plain", "", "cjk", "",
            ])),
            ("built_rfc2231.eml", crlf([
                "From: Files <files@example.com>", "Subject: files", "MIME-Version: 1.0", "Content-Type: multipart/mixed; boundary=\"xx\"", "",
                "--xx", "Content-Type: text/plain; charset=utf-8", "", "three files", "",
                "--xx", "Content-Type: application/pdf",
                "Content-Disposition: attachment; filename*0*=iso-8859-1''%DCbersicht%20;", " filename*1=\"2024\"; filename*2*=.pdf",
                "Content-Transfer-Encoding: base64", "", "JVBERi0=", "",
                "--xx", "Content-Type: application/octet-stream", "Content-Disposition: attachment; filename*=UTF-8''%E6%97%A5%E6%9C%AC.txt", "", "x", "",
                "--xx", "Content-Type: image/png; name=\"logo.png\"", "Content-ID: <logo@x>", "Content-Transfer-Encoding: base64", "", "iVBORw0K", "",
                "--xx--", "",
            ])),
        ]
    }

    /// The checkout: `make test`'s GLAVITO_TEST_REPO_ROOT, the working directory (`swift test` runs in the package),
    /// or four levels above this file.
    static func repoRoot() -> URL {
        let candidates = [
            ProcessInfo.processInfo.environment["GLAVITO_TEST_REPO_ROOT"].map { URL(fileURLWithPath: $0) },
            URL(fileURLWithPath: FileManager.default.currentDirectoryPath),
            URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent(),
        ].compactMap { $0 }
        return candidates.first { FileManager.default.fileExists(atPath: $0.appendingPathComponent("Tests/e2e/email_expect.py").path) }
            ?? candidates[candidates.count - 1]
    }

    /// Runs email_expect.py on the CPython corpus and `directory`.
    static func pythonExpectations(_ directory: URL) throws -> [Expected] {
        let root = repoRoot()
        let venv = root.appendingPathComponent(".venv/bin/python")
        let process = Process()
        if FileManager.default.isExecutableFile(atPath: venv.path) {
            process.executableURL = venv
            process.arguments = []
        } else {
            process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
            process.arguments = ["python3"]
        }
        process.arguments? += [root.appendingPathComponent("Tests/e2e/email_expect.py").path, "--corpus", directory.path]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        try #require(process.terminationStatus == 0, "email_expect.py failed")
        return try JSONDecoder().decode([Expected].self, from: data)
    }

    /// Trailing whitespace of each line and trailing blank lines removed, CRLF as LF; nil as "".
    static func normalise(_ text: String?) -> String {
        let lines = (text ?? "").replacingOccurrences(of: "\r\n", with: "\n").split(separator: "\n", omittingEmptySubsequences: false)
        var joined = lines.map { line in
            var line = Substring(line)
            while let last = line.last, last == " " || last == "\t" || last == "\r" { line = line.dropLast() }
            return String(line)
        }.joined(separator: "\n")
        while joined.hasSuffix("\n") { joined.removeLast() }
        return joined
    }

    /// Attachment file names, forwarded messages included (Python's walk() descends into them).
    static func attachmentNames(_ email: ParsedEmail) -> [String] {
        email.attachments.compactMap(\.filename) + email.forwarded.flatMap(attachmentNames)
    }

    @Test("subject, From, plain body and attachment names agree with Python on CPython's corpus and built messages")
    func compare() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("mime-compare-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for message in Self.builtMessages() {
            try Data(message.bytes).write(to: directory.appendingPathComponent(message.name))
            // GLAVITO_MIME_SEED_DIR=Tests/fuzz/corpus/mime adds the built messages to the fuzzing seeds.
            if let seeds = ProcessInfo.processInfo.environment["GLAVITO_MIME_SEED_DIR"] {
                try Data(message.bytes).write(to: URL(fileURLWithPath: seeds).appendingPathComponent(message.name))
            }
        }
        let expectations = try Self.pythonExpectations(directory)
        #expect(expectations.count >= 40 + Self.builtMessages().count)

        var exact = 0
        var corpusExact = 0
        var corpusTotal = 0
        for expected in expectations {
            let name = URL(fileURLWithPath: expected.file).lastPathComponent
            let isCorpus = name.hasPrefix("msg_")
            if isCorpus { corpusTotal += 1 }
            let bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: expected.file)))
            let email = MIMEParser.parse(bytes)
            var differing: Set<String> = []
            if (expected.subject ?? "") != (email.subject ?? "") { differing.insert("subject") }
            if (expected.from ?? []).map({ $0.lowercased() }) != email.from.map({ $0.address.lowercased() }) { differing.insert("from") }
            let swiftText = email.textIsDerivedFromHTML ? nil : email.text
            if Self.normalise(expected.text) != Self.normalise(swiftText) { differing.insert("text") }
            if (expected.attachments ?? []).compactMap({ $0 }).sorted() != Self.attachmentNames(email).sorted() { differing.insert("attachments") }
            // A field Python itself fails on is not compared.
            differing.subtract(expected.errors.keys)
            if differing.isEmpty {
                exact += 1
                if isCorpus { corpusExact += 1 }
                if let exception = Self.exceptions[name] {
                    print("MIME comparison: \(name) now matches Python; its exception (\(exception.reason)) can go")
                }
                continue
            }
            let allowed = Self.exceptions[name]?.fields ?? []
            #expect(differing.isSubset(of: allowed), """
                \(name) differs from Python in \(differing.sorted()): subject \(expected.subject ?? "nil") / \(email.subject ?? "nil"); \
                from \(expected.from ?? []) / \(email.from.map(\.address)); text \(expected.text?.prefix(200) ?? "nil") / \
                \(swiftText?.prefix(200) ?? "nil"); attachments \(expected.attachments ?? []) / \(Self.attachmentNames(email)); \
                warnings \(email.warnings)
                """)
        }
        print("MIME comparison: \(corpusExact) of \(corpusTotal) CPython corpus messages match Python exactly; \(exact) of \(expectations.count) in all; \(Self.exceptions.count) listed exceptions")
        #expect(Self.exceptions.count <= 6)
    }
}
