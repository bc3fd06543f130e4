import Foundation
@testable import GlavitoCore
import Synchronization
import Testing

/// The sweep's decisions on a real directory, with the rows' answers scripted per call: rows committed between
/// its two checks, content stored again while a file is set aside, a failing database, and a stopped sweep's leftovers.
@Suite("Conversations: attachment file sweep")
struct AttachmentFileSweepTests {
    /// Counts the sweep's calls for row answers.
    final class Calls: Sendable {
        let count = Mutex(0)

        func next() -> Int { count.withLock { count in count += 1; return count } }
    }

    let root = FileManager.default.temporaryDirectory.appendingPathComponent("sweep-\(UUID().uuidString)")
    let tenant = TenantID(UUID())

    /// Stores `text` and dates it `days` back; returns its key and path.
    func stored(_ text: String, days: Double = 2) async throws -> (key: String, url: URL) {
        let bytes = Array(text.utf8)
        let key = try await LocalAttachmentStorage(root: root).store(bytes, sha256: Hashing.hex(Hashing.sha256(bytes)), tenant: tenant)
        let url = root.appendingPathComponent(key)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-days * 86_400)], ofItemAtPath: url.path)
        return (key, url)
    }

    func exists(_ url: URL) -> Bool { FileManager.default.fileExists(atPath: url.path) }

    @Test("named files and recent files stay, unused old files go; a row committed between the two checks puts the file back")
    func decisions() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let named = try await stored("named")
        let unused = try await stored("unused")
        let recent = try await stored("recent", days: 0.5)
        let late = try await stored("recorded between the checks")
        let calls = Calls()
        let outcome = try await AttachmentFileSweep(storage: LocalAttachmentStorage(root: root)).run(tenant: tenant) { keys in
            let call = calls.next()
            // First check: only `named` has a row. Second check (of the files set aside): `late`'s row has committed.
            return call == 1 ? Set(keys.filter { $0 == named.key }) : Set(keys.filter { $0 == late.key })
        }
        #expect(exists(named.url) && exists(recent.url) && exists(late.url))
        #expect(!exists(unused.url))
        #expect(outcome == .init(examined: 4, kept: 3, removed: 1, temporaries: 0, restored: 1))
        let leftovers = try FileManager.default.subpathsOfDirectory(atPath: root.path).filter { $0.hasSuffix(AttachmentFileSweep.asideSuffix) }
        #expect(leftovers.isEmpty)
    }

    @Test("content stored again during the sweep is kept: before it is set aside (fresh time) and while it is aside (written anew)")
    func storesRacingTheSweep() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let touched = try await stored("stored again before the rename")
        let rewritten = try await stored("stored again while aside")
        let storage = LocalAttachmentStorage(root: root)
        let tenant = self.tenant
        let calls = Calls()
        let outcome = try await AttachmentFileSweep(storage: storage).run(tenant: tenant) { keys in
            let call = calls.next()
            if call == 1 {
                // A reply storing the same content right after the first check refreshes the file.
                let bytes = Array("stored again before the rename".utf8)
                _ = try await storage.store(bytes, sha256: Hashing.hex(Hashing.sha256(bytes)), tenant: tenant)
            } else {
                // The other file is aside now: storing its content finds no file and writes it again.
                let bytes = Array("stored again while aside".utf8)
                #expect(!FileManager.default.fileExists(atPath: root.appendingPathComponent(keys[0]).path))
                _ = try await storage.store(bytes, sha256: Hashing.hex(Hashing.sha256(bytes)), tenant: tenant)
            }
            return []
        }
        #expect(exists(touched.url), "refreshed before the rename: put back")
        #expect(exists(rewritten.url), "written again while aside: the new copy stays")
        #expect(try Data(contentsOf: rewritten.url) == Data("stored again while aside".utf8))
        #expect(outcome.restored == 1 && outcome.removed == 1, "\(outcome)")
    }

    @Test("a database failure after files were set aside puts them all back; a stopped sweep's aside files are put back by the next one")
    func failuresLoseNothing() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        struct Unreachable: Error {}
        let files = [try await stored("one"), try await stored("two"), try await stored("three")]
        let calls = Calls()
        await #expect(throws: Unreachable.self) {
            try await AttachmentFileSweep(storage: LocalAttachmentStorage(root: root)).run(tenant: tenant) { _ in
                let call = calls.next()
                if call == 2 { throw Unreachable() }
                return []
            }
        }
        #expect(files.allSatisfy { exists($0.url) })
        // A sweep that died between setting a file aside and deciding left `.<sha>.unused`.
        let moved = AttachmentFileSweep.asidePath(files[0].url.path)
        #expect(rename(files[0].url.path, moved) == 0)
        let outcome = try await AttachmentFileSweep(storage: LocalAttachmentStorage(root: root)).run(tenant: tenant) { keys in Set(keys) }
        #expect(exists(files[0].url) && !FileManager.default.fileExists(atPath: moved))
        #expect(outcome.kept == 3 && outcome.removed == 0)
    }

    @Test("temporary files go after the grace period only; no directory for the tenant is nothing to do")
    func temporariesAndEmpty() async throws {
        defer { try? FileManager.default.removeItem(at: root) }
        let sweep = AttachmentFileSweep(storage: LocalAttachmentStorage(root: root))
        #expect(try await sweep.run(tenant: tenant) { _ in [] } == .init())
        let file = try await stored("a file")
        let shard = file.url.deletingLastPathComponent()
        let old = shard.appendingPathComponent(".\(file.url.lastPathComponent).\(UUID()).tmp")
        let young = shard.appendingPathComponent(".\(file.url.lastPathComponent).\(UUID()).tmp")
        try Data("x".utf8).write(to: old)
        try Data("y".utf8).write(to: young)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(-3 * 86_400)], ofItemAtPath: old.path)
        let outcome = try await sweep.run(tenant: tenant) { keys in Set(keys) }
        #expect(!exists(old) && exists(young) && exists(file.url))
        #expect(outcome.temporaries == 1 && outcome.kept == 1)
    }
}
