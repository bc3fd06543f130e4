import Logging
import PostgresNIO

/// Recomputes a tenant's audit chain and checkpoints and names the first broken entry.
///
/// Detects an edited entry (its hash no longer matches), a deleted or reordered entry (a gap or a wrong previous
/// hash), truncation (the chain ends before its head or a signed checkpoint) and a forged or altered checkpoint
/// (the signature does not verify under the trusted key, or the signed hash differs from the entry's).
public struct AuditVerifier: Sendable {
    /// The public key checkpoints must be signed with.
    public let trustedPublicKey: [UInt8]

    /// Creates a verifier trusting `trustedPublicKey`.
    public init(trustedPublicKey: [UInt8]) {
        self.trustedPublicKey = trustedPublicKey
    }

    /// What verification found.
    public struct Report: Sendable, Equatable, CustomStringConvertible {
        /// Entries checked.
        public var entries: Int
        /// Checkpoints checked.
        public var checkpoints: Int
        /// The first problem, if any.
        public var problem: Problem?

        public var description: String {
            if let problem { return "BROKEN at entry \(problem.seq): \(problem.reason) (\(entries) entries, \(checkpoints) checkpoints read)" }
            return "ok: \(entries) entries, \(checkpoints) signed checkpoints"
        }
    }

    /// The first broken place in a chain.
    public struct Problem: Sendable, Equatable {
        /// The entry position at fault.
        public var seq: Int64
        /// What is wrong there.
        public var reason: String
    }

    /// Verifies `tenant`'s log; `connection` must see the tenant's rows (bound tenant, or the platform role).
    public func verify(tenant: TenantID, on connection: PostgresConnection, logger: Logger) async throws -> Report {
        let entries = try await AuditReader.entries(tenant: tenant, after: 0, limit: nil, on: connection, logger: logger)
        var hashes: [Int64: [UInt8]] = [:]
        var report = Report(entries: entries.count, checkpoints: 0, problem: nil)
        var previous = AuditLog.zeroHash
        var expected: Int64 = 1
        for entry in entries {
            if entry.seq != expected {
                report.problem = Problem(seq: expected, reason: "entry is missing (deleted, or the chain was reordered)")
                return report
            }
            let storedPrev = Hashing.bytes(hex: entry.prevHash) ?? []
            if storedPrev != previous {
                report.problem = Problem(seq: entry.seq, reason: "previous-hash link is broken (an entry before it was removed, inserted or reordered)")
                return report
            }
            let recomputed = AuditEntry.computeHash(
                tenant: tenant, seq: entry.seq, occurredAtMicros: entry.occurredAtMicros, actorKind: entry.actorKind, actorID: entry.actorID,
                action: entry.action, target: entry.target, clientAddress: entry.clientAddress, details: entry.details, prevHash: previous
            )
            if Hashing.hex(recomputed) != entry.entryHash {
                report.problem = Problem(seq: entry.seq, reason: "entry content does not match its hash (edited)")
                return report
            }
            hashes[entry.seq] = recomputed
            previous = recomputed
            expected += 1
        }
        let last = expected - 1
        let headRows = try await connection.checkedQuery("""
            SELECT seq, head_hash
            FROM audit_heads
            WHERE tenant_id = \(tenant.rawValue)
            """, logger: logger)
        for try await (seq, hash) in headRows.decode((Int64, PostgresByteArray).self) {
            if seq > last {
                report.problem = Problem(seq: last + 1, reason: "the log ends at entry \(last) but its head records \(seq) entries (truncated)")
                return report
            }
            if seq == last, seq > 0, hash.bytes != previous {
                report.problem = Problem(seq: seq, reason: "the last entry does not match the recorded head (truncated or replaced)")
                return report
            }
        }
        let checkpointRows = try await connection.checkedQuery("""
            SELECT seq, entry_hash, signature
            FROM audit_checkpoints
            WHERE tenant_id = \(tenant.rawValue)
            ORDER BY seq
            """, logger: logger)
        for try await (seq, hash, signature) in checkpointRows.decode((Int64, PostgresByteArray, PostgresByteArray).self) {
            report.checkpoints += 1
            let message = AuditEntry.checkpointMessage(tenant: tenant, seq: seq, entryHash: hash.bytes)
            guard Ed25519Signer.verify(signature.bytes, message: message, publicKey: trustedPublicKey) else {
                report.problem = Problem(seq: seq, reason: "checkpoint signature does not verify under the trusted key (forged checkpoint)")
                return report
            }
            guard let actual = hashes[seq] else {
                report.problem = Problem(seq: seq, reason: "a signed checkpoint covers entry \(seq), which is gone (truncated)")
                return report
            }
            guard actual == hash.bytes else {
                report.problem = Problem(seq: seq, reason: "entry differs from the hash its signed checkpoint recorded (chain rewritten)")
                return report
            }
        }
        return report
    }
}
