import Foundation

/// Where attachment bytes live, content-addressed per tenant. The local filesystem is the one implementation
/// today; an S3-compatible store fits behind the same protocol.
public protocol AttachmentStorage: Sendable {
    /// Stores `bytes` (whose hex SHA-256 is `sha256`) for `tenant`; returns the storage key. Storing the same
    /// content twice is harmless.
    func store(_ bytes: [UInt8], sha256: String, tenant: TenantID) async throws -> String
    /// The bytes under `key`.
    func read(_ key: String) async throws -> [UInt8]
}

/// Attachments on the local filesystem: `<root>/<tenant>/<aa>/<sha256>`, written to a temporary file and renamed,
/// so a crash never leaves a half-written file under a final name. Storing existing content refreshes the file's
/// modification time; files no attachment row names are removed by ``AttachmentFileSweep`` after a grace period.
public struct LocalAttachmentStorage: AttachmentStorage {
    /// The root directory.
    public let root: URL

    /// Creates storage under `root` (created on first store).
    public init(root: URL) {
        self.root = root
    }

    public func store(_ bytes: [UInt8], sha256: String, tenant: TenantID) async throws -> String {
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else { throw ConversationError.invalid("not a SHA-256") }
        let key = "\(Self.folder(of: tenant))/\(sha256.prefix(2))/\(sha256)"
        let target = root.appendingPathComponent(key)
        let manager = FileManager.default
        // Content already stored: mark it as just used (``AttachmentFileSweep`` keeps files touched within its
        // grace period). If the file vanished in between (the sweep took it), it is written again below.
        if utimes(target.path, nil) == 0 { return key }
        try manager.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
        let temporary = target.deletingLastPathComponent().appendingPathComponent(".\(sha256).\(UUID().uuidString).tmp")
        try Data(bytes).write(to: temporary, options: .atomic)
        if rename(temporary.path, target.path) != 0 {
            try? manager.removeItem(at: temporary)
            throw ConversationError.conflict("could not store the attachment (errno \(errno))")
        }
        return key
    }

    /// The folder under ``root`` that holds `tenant`'s files (their keys start with it).
    static func folder(of tenant: TenantID) -> String { tenant.rawValue.uuidString.lowercased() }

    public func read(_ key: String) async throws -> [UInt8] {
        guard !key.contains(".."), !key.hasPrefix("/") else { throw ConversationError.invalid("bad storage key") }
        return Array(try Data(contentsOf: root.appendingPathComponent(key)))
    }
}
