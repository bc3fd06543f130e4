import Foundation
import Logging
import PostgresNIO

/// Removes a tenant's stored files that no attachment row names: files are written before the transaction that
/// records them (``LocalAttachmentStorage``), so a reply the channel refused, an inbound email whose transaction
/// failed, or rows deleted later leave files behind. Also removes temporary files a crash left.
///
/// A file is only a candidate when it was last written or stored again (``LocalAttachmentStorage/store(_:sha256:tenant:)``
/// refreshes its time) longer than ``grace`` ago, so the transaction recording it has long ended. Candidates no
/// row names are renamed aside, checked once more (their time, and the rows, which may have been committed since the
/// first check), and only then deleted; a file that turns out to be wanted is put back. A store racing the sweep
/// either refreshes the file before it is renamed aside (and it is put back) or finds it gone and writes it again.
public struct AttachmentFileSweep: Sendable {
    /// Which of the given storage keys attachment rows still name.
    public typealias Referenced = @Sendable ([String]) async throws -> Set<String>

    /// The storage swept.
    public let storage: LocalAttachmentStorage
    /// How long a file is kept after it was last stored, whoever names it.
    public let grace: TimeInterval
    /// Keys checked against the database per statement.
    public let batchSize: Int

    /// Creates a sweep of `storage` keeping files stored within `grace`.
    public init(storage: LocalAttachmentStorage, grace: TimeInterval = 24 * 3600, batchSize: Int = 500) {
        self.storage = storage
        self.grace = grace
        self.batchSize = max(1, batchSize)
    }

    /// What a sweep did.
    public struct Outcome: Sendable, Equatable {
        /// Files looked at.
        public var examined = 0
        /// Files kept (named by a row, or stored within the grace period).
        public var kept = 0
        /// Unused files removed.
        public var removed = 0
        /// Crash leftovers removed (temporary files older than the grace period).
        public var temporaries = 0
        /// Files renamed aside and put back because they turned out to be wanted.
        public var restored = 0
    }

    /// Sweeps `tenant`'s files; `referenced` answers from the tenant's attachment rows (see
    /// ``referencedKeys(_:tenant:on:logger:)``).
    public func run(tenant: TenantID, now: Date = Date(), referenced: Referenced) async throws -> Outcome {
        var outcome = Outcome()
        let cutoff = now.addingTimeInterval(-grace)
        let candidates = scan(tenant: tenant, cutoff: cutoff, outcome: &outcome)
        var start = 0
        while start < candidates.count {
            let batch = Array(candidates[start..<min(start + batchSize, candidates.count)])
            start += batch.count
            try await settle(batch, cutoff: cutoff, referenced: referenced, outcome: &outcome)
        }
        return outcome
    }

    /// The keys of `tenant`'s files last stored before `cutoff`, after putting back files a stopped sweep left aside
    /// and removing temporary files older than `cutoff`.
    func scan(tenant: TenantID, cutoff: Date, outcome: inout Outcome) -> [String] {
        let prefix = LocalAttachmentStorage.folder(of: tenant)
        let directory = storage.root.appendingPathComponent(prefix)
        let manager = FileManager.default
        guard let shards = try? manager.contentsOfDirectory(atPath: directory.path) else { return [] }
        var candidates: [String] = []
        for shard in shards.sorted() where shard.count == 2 && shard.allSatisfy(\.isHexDigit) {
            let folder = directory.appendingPathComponent(shard)
            var names = Set<String>()
            for name in (try? manager.contentsOfDirectory(atPath: folder.path)) ?? [] {
                if name.hasPrefix("."), name.hasSuffix(Self.asideSuffix) {
                    // A sweep stopped between setting this file aside and deciding: put it back and decide now.
                    Self.putBack(folder.appendingPathComponent(name).path, to: folder.appendingPathComponent(Self.original(name)).path)
                    names.insert(Self.original(name))
                } else {
                    names.insert(name)
                }
            }
            for name in names.sorted() {
                let path = folder.appendingPathComponent(name).path
                guard let modified = Self.modified(path) else { continue }
                if name.hasPrefix("."), name.hasSuffix(".tmp") {
                    if modified < cutoff, unlink(path) == 0 { outcome.temporaries += 1 }
                    continue
                }
                guard name.count == 64, name.hasPrefix(shard), name.allSatisfy(\.isHexDigit) else { continue }
                outcome.examined += 1
                if modified < cutoff { candidates.append("\(prefix)/\(shard)/\(name)") } else { outcome.kept += 1 }
            }
        }
        return candidates
    }

    /// Decides one batch of candidates: those no row names are set aside, checked again (their time, then the rows)
    /// and deleted, or put back.
    func settle(_ batch: [String], cutoff: Date, referenced: Referenced, outcome: inout Outcome) async throws {
        let named = try await referenced(batch)
        outcome.kept += batch.filter { named.contains($0) }.count
        var aside: [(key: String, file: String, moved: String)] = []
        for key in batch where !named.contains(key) {
            let file = storage.root.appendingPathComponent(key).path
            let moved = Self.asidePath(file)
            guard rename(file, moved) == 0 else { continue }
            if let modified = Self.modified(moved), modified >= cutoff {
                Self.putBack(moved, to: file)
                outcome.restored += 1
                outcome.kept += 1
                continue
            }
            aside.append((key, file, moved))
        }
        guard !aside.isEmpty else { return }
        let late: Set<String>
        do {
            late = try await referenced(aside.map(\.key))
        } catch {
            for entry in aside { Self.putBack(entry.moved, to: entry.file) }
            throw error
        }
        for entry in aside {
            if late.contains(entry.key) {
                Self.putBack(entry.moved, to: entry.file)
                outcome.restored += 1
                outcome.kept += 1
            } else if unlink(entry.moved) == 0 {
                outcome.removed += 1
            }
        }
    }

    /// Which of `keys` the attachment rows of `tenant` name (in the caller's tenant transaction).
    public static func referencedKeys(_ keys: [String], tenant: TenantID, on connection: PostgresConnection,
                                      logger: Logger) async throws -> Set<String> {
        var found = Set<String>()
        let rows = try await connection.checkedQuery("""
            SELECT DISTINCT storage_key FROM attachments WHERE tenant_id = \(tenant.rawValue) AND storage_key = ANY(\(keys))
            """, logger: logger)
        for try await key in rows.decode(String.self) { found.insert(key) }
        return found
    }

    static let asideSuffix = ".unused"

    /// `<dir>/.<name>.unused` for `<dir>/<name>`.
    static func asidePath(_ file: String) -> String {
        let url = URL(fileURLWithPath: file)
        return url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent)\(asideSuffix)").path
    }

    /// `<name>` of `.<name>.unused`.
    static func original(_ asideName: String) -> String {
        String(asideName.dropFirst().dropLast(asideSuffix.count))
    }

    /// Renames `moved` back to `file` (replacing a copy stored meanwhile, which has the same content).
    static func putBack(_ moved: String, to file: String) {
        _ = rename(moved, file)
    }

    static func modified(_ path: String) -> Date? {
        (try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date
    }
}
