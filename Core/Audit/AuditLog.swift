import Foundation
import Logging
import PostgresNIO

/// Appends to a tenant's hash-chained audit log inside the caller's transaction, so an event commits together
/// with the change it describes, and signs a checkpoint every `checkpointEvery` entries.
public struct AuditLog: Sendable {
    /// Signs checkpoints.
    public let signer: Ed25519Signer
    /// Entries between checkpoints.
    public let checkpointEvery: Int

    static let zeroHash = [UInt8](repeating: 0, count: 32)

    /// Creates an audit log writer.
    public init(signer: Ed25519Signer, checkpointEvery: Int = 100) {
        self.signer = signer
        self.checkpointEvery = max(1, checkpointEvery)
    }

    /// Appends `event` for `tenant`; `connection` must be in a transaction bound to `tenant`. Returns the entry's position.
    @discardableResult
    public func append(_ event: AuditEvent, tenant: TenantID, on connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        try await connection.checkedQuery("""
            INSERT INTO audit_heads (tenant_id)
            VALUES (\(tenant.rawValue))
            ON CONFLICT (tenant_id) DO NOTHING
            """, logger: logger)
        // The row lock taken here serialises appends per tenant until the transaction ends.
        let head = try await connection.checkedQuery("""
            UPDATE audit_heads
            SET seq = seq + 1
            WHERE tenant_id = \(tenant.rawValue)
            RETURNING seq, head_hash, (extract(epoch FROM clock_timestamp()) * 1000000)::bigint
            """, logger: logger)
        var position: (Int64, [UInt8], Int64)?
        for try await (seq, hash, now) in head.decode((Int64, PostgresByteArray, Int64).self) { position = (seq, hash.bytes, now) }
        guard let (seq, prevHash, micros) = position else { throw IdentityError.notFound("the audit log head is missing") }
        let details = try JSONCoding.encode(event.details)
        let hash = AuditEntry.computeHash(
            tenant: tenant, seq: seq, occurredAtMicros: micros, actorKind: event.actorKind.rawValue, actorID: event.actorID,
            action: event.action, target: event.target, clientAddress: event.clientAddress, details: details, prevHash: prevHash
        )
        try await connection.checkedQuery("""
            INSERT INTO audit_log (tenant_id, seq, occurred_at, actor_kind, actor_id, action, target, client_address, details, prev_hash, entry_hash)
            VALUES (\(tenant.rawValue), \(seq), 'epoch'::timestamptz + \(micros) * interval '1 microsecond', \(event.actorKind.rawValue),
                    \(event.actorID), \(event.action), \(event.target), \(event.clientAddress), \(details),
                    \(PostgresByteArray(prevHash)), \(PostgresByteArray(hash)))
            """, logger: logger)
        try await connection.checkedQuery("""
            UPDATE audit_heads
            SET head_hash = \(PostgresByteArray(hash))
            WHERE tenant_id = \(tenant.rawValue)
            """, logger: logger)
        if seq % Int64(checkpointEvery) == 0 {
            try await checkpoint(tenant: tenant, seq: seq, hash: hash, on: connection, logger: logger)
        }
        return seq
    }

    /// Signs the chain's current head as a checkpoint (no-op when the log is empty or the head is already signed).
    public func checkpointHead(tenant: TenantID, on connection: PostgresConnection, logger: Logger) async throws {
        let rows = try await connection.checkedQuery("""
            SELECT seq, head_hash
            FROM audit_heads
            WHERE tenant_id = \(tenant.rawValue) AND seq > 0
            FOR UPDATE
            """, logger: logger)
        for try await (seq, hash) in rows.decode((Int64, PostgresByteArray).self) {
            try await checkpoint(tenant: tenant, seq: seq, hash: hash.bytes, on: connection, logger: logger)
        }
    }

    private func checkpoint(tenant: TenantID, seq: Int64, hash: [UInt8], on connection: PostgresConnection, logger: Logger) async throws {
        let signature = signer.sign(AuditEntry.checkpointMessage(tenant: tenant, seq: seq, entryHash: hash))
        try await connection.checkedQuery("""
            INSERT INTO audit_checkpoints (tenant_id, seq, entry_hash, key_id, public_key, signature)
            VALUES (\(tenant.rawValue), \(seq), \(PostgresByteArray(hash)), \(signer.keyID),
                    \(PostgresByteArray(signer.publicKey)), \(PostgresByteArray(signature)))
            ON CONFLICT (tenant_id, seq) DO NOTHING
            """, logger: logger)
    }
}
