import Foundation
import Logging
import PostgresNIO

/// Reads a tenant's audit entries in order, optionally filtered by action prefix.
public enum AuditReader {
    /// Entries after position `after`, oldest first, at most `limit` (all when `nil`).
    public static func entries(
        tenant: TenantID, after: Int64, limit: Int?, actionPrefix: String? = nil,
        on connection: PostgresConnection, logger: Logger
    ) async throws -> [AuditEntry] {
        let pattern = (actionPrefix ?? "").replacingOccurrences(of: "\\", with: "\\\\")
            .replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        let rows = try await connection.checkedQuery("""
            SELECT seq, (extract(epoch FROM occurred_at) * 1000000)::bigint, actor_kind, actor_id, action, target,
                   client_address, details, prev_hash, entry_hash
            FROM audit_log
            WHERE tenant_id = \(tenant.rawValue)
              AND seq > \(after)
              AND action LIKE \(pattern)
            ORDER BY seq
            LIMIT \(limit ?? Int.max)
            """, logger: logger)
        var entries: [AuditEntry] = []
        let decoded = rows.decode((Int64, Int64, String, String?, String, String?, String?, String, PostgresByteArray, PostgresByteArray).self)
        for try await (seq, micros, actorKind, actorID, action, target, address, details, prev, hash) in decoded {
            entries.append(AuditEntry(
                seq: seq, occurredAtMicros: micros, actorKind: actorKind, actorID: actorID, action: action, target: target,
                clientAddress: address, details: details, prevHash: Hashing.hex(prev.bytes), entryHash: Hashing.hex(hash.bytes)
            ))
        }
        return entries
    }
}
