import Foundation
@testable import GlavitoCore
import Testing
import GlavitoTestSupport

/// Legacy Office files (.doc, .xls, .ppt) are told apart by the streams at the root of their compound file: samples
/// from `Tests/python/office_samples.py` (a real .xls from xlwt; Word, PowerPoint, Outlook and edge-case containers
/// written from [MS-CFB] and read back with olefile), then damaged and hostile containers.
@Suite("Conversations: legacy Office sniffing")
struct CompoundFileSnifferTests {
    struct Sample: Decodable {
        let file: String
        let type: String
    }

    /// The samples' bytes and expected types, written into a fresh directory (`small`: without the 7.5 MB one).
    static func samples(small: Bool = false) async throws -> [(name: String, bytes: [UInt8], type: String)] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("office-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let result = try await PythonPeer.run("write", [directory.path] + (small ? ["--small"] : []), script: "office_samples.py")
        try #require(result.status == 0, "office_samples.py: \(result.output)")
        return try result.output.split(separator: "\n").map { line in
            let sample = try JSONDecoder().decode(Sample.self, from: Data(line.utf8))
            return (sample.file, Array(try Data(contentsOf: directory.appendingPathComponent(sample.file))), sample.type)
        }
    }

    @Test("Word, Excel (xlwt's and one over 7 MB whose FAT needs a DIFAT sector), PowerPoint and 4 KB sectors are recognised; embedded or other containers are not Office")
    func samplesAreRecognised() async throws {
        let samples = try await Self.samples()
        #expect(samples.count == 8)
        for sample in samples {
            #expect(ContentSniffer.contentType(of: sample.bytes) == sample.type, "\(sample.name)")
        }
        let doc = try #require(samples.first { $0.name == "letter.doc" })
        let attachment = OutboundAttachment(filename: "letter.doc", contentType: "application/octet-stream", storageKey: "k", sha256: "s",
                                            size: doc.bytes.count, sniffedType: ContentSniffer.contentType(of: doc.bytes))
        #expect(try ChannelMediaRules.whatsapp(attachment) == .init(kind: .document, mimeType: "application/msword"))
        let message = try #require(samples.first { $0.name == "note.msg" })
        let outlook = OutboundAttachment(filename: "note.msg", contentType: "application/msword", storageKey: "k", sha256: "s",
                                         size: message.bytes.count, sniffedType: ContentSniffer.contentType(of: message.bytes))
        #expect(throws: ConversationError.self) { try ChannelMediaRules.whatsapp(outlook) }
    }

    @Test("a truncated file, a directory chain that loops and a sibling tree that loops are containers of no known kind, found in bounded time")
    func damagedContainers() async throws {
        let doc = try #require(try await Self.samples(small: true).first { $0.name == "letter.doc" }).bytes
        #expect(ContentSniffer.contentType(of: Array(doc.prefix(600))) == CompoundFileSniffer.genericType)
        let directory = Int(try #require(CompoundFileSniffer.u32(doc, 0x30)))
        let fatStart = (Int(try #require(CompoundFileSniffer.u32(doc, 0x4C))) + 1) * 512
        var chainLoop = doc
        Self.put(UInt32(directory), into: &chainLoop, at: fatStart + directory * 4)
        #expect(ContentSniffer.contentType(of: chainLoop) == CompoundFileSniffer.genericType)
        var treeLoop = doc
        let directoryStart = (directory + 1) * 512
        let top = Int(try #require(CompoundFileSniffer.u32(doc, directoryStart + 76)))
        Self.put(UInt32(top), into: &treeLoop, at: directoryStart + top * 128 + 72)
        #expect(ContentSniffer.contentType(of: treeLoop) == CompoundFileSniffer.genericType)
        // The signature alone, and a header pointing past the end.
        #expect(ContentSniffer.contentType(of: CompoundFileSniffer.signature + [UInt8](repeating: 0, count: 504)) == CompoundFileSniffer.genericType)
        var pastEnd = doc
        Self.put(0xFFFF_0000, into: &pastEnd, at: 0x30)
        #expect(ContentSniffer.contentType(of: pastEnd) == CompoundFileSniffer.genericType)
    }

    @Test("5,000 random corruptions of the header, FAT and directory never crash and always give a known answer")
    func corruptionsAreHarmless() async throws {
        let doc = try #require(try await Self.samples(small: true).first { $0.name == "letter.doc" }).bytes
        let directoryStart = (Int(try #require(CompoundFileSniffer.u32(doc, 0x30))) + 1) * 512
        let fatStart = (Int(try #require(CompoundFileSniffer.u32(doc, 0x4C))) + 1) * 512
        let regions = [0..<512, fatStart..<(fatStart + 512), directoryStart..<(directoryStart + 512)]
        let answers: Set<String?> = ["application/msword", "application/vnd.ms-excel", "application/vnd.ms-powerpoint",
                                     CompoundFileSniffer.genericType, nil, "text/plain"]
        var generator = SystemRandomNumberGenerator()
        var seen = Set<String?>()
        for _ in 0..<5_000 {
            var bytes = doc
            for _ in 0..<Int.random(in: 1...8, using: &generator) {
                let region = regions.randomElement(using: &generator)!
                bytes[Int.random(in: region, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            }
            let answer = ContentSniffer.contentType(of: bytes)
            #expect(answers.contains(answer))
            seen.insert(answer)
        }
        // Most corruptions leave the Word stream findable; some break the structure.
        #expect(seen.contains("application/msword"))
        #expect(seen.contains(CompoundFileSniffer.genericType))
    }

    static func put(_ value: UInt32, into bytes: inout [UInt8], at offset: Int) {
        for index in 0..<4 { bytes[offset + index] = UInt8(truncatingIfNeeded: value >> (8 * index)) }
    }
}
