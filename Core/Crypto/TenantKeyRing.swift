import Foundation
import Logging
import PostgresNIO
import Synchronization

/// Tenant data keys: created on first use, stored wrapped by the master key in `tenant_data_keys`, unwrapped and
/// cached in memory.
public final class TenantKeyRing: Sendable {
    let masterKey: MasterKey
    let previousKeys: [MasterKey]
    private let cache = Mutex<[TenantID: TenantDataKey]>([:])

    /// Creates a key ring over the current master key and earlier ones still able to unwrap old rows.
    public init(masterKey: MasterKey, previousKeys: [MasterKey] = []) {
        self.masterKey = masterKey
        self.previousKeys = previousKeys
    }

    /// The tenant's current data key as a cipher, created on first use. `connection` must be in a transaction
    /// bound to `tenant`.
    public func cipher(for tenant: TenantID, on connection: PostgresConnection, logger: Logger) async throws -> FieldCipher {
        if let cached = cache.withLock({ $0[tenant] }) { return FieldCipher(key: cached) }
        let key = try await loadOrCreate(tenant, on: connection, logger: logger)
        cache.withLock { $0[tenant] = key }
        return FieldCipher(key: key)
    }

    private func loadOrCreate(_ tenant: TenantID, on connection: PostgresConnection, logger: Logger) async throws -> TenantDataKey {
        if let existing = try await load(tenant, on: connection, logger: logger) { return existing }
        let fresh = TenantDataKey(tenant: tenant, version: 1, bytes: SecureRandom.bytes(AEAD.keyLength))
        try await connection.checkedQuery("""
            INSERT INTO tenant_data_keys (tenant_id, version, master_key_id, wrapped_key)
            VALUES (\(tenant.rawValue), \(fresh.version), \(masterKey.id), \(PostgresByteArray(masterKey.wrap(fresh))))
            ON CONFLICT (tenant_id, version) DO NOTHING
            """, logger: logger)
        // Another transaction may have won the race: read back whichever key is stored.
        guard let stored = try await load(tenant, on: connection, logger: logger) else {
            throw IdentityError.notFound("the tenant's data key could not be stored")
        }
        return stored
    }

    private func load(_ tenant: TenantID, on connection: PostgresConnection, logger: Logger) async throws -> TenantDataKey? {
        let rows = try await connection.checkedQuery("""
            SELECT version, master_key_id, wrapped_key
            FROM tenant_data_keys
            WHERE tenant_id = \(tenant.rawValue)
            ORDER BY version DESC
            LIMIT 1
            """, logger: logger)
        for try await (version, keyID, wrapped) in rows.decode((Int32, String, PostgresByteArray).self) {
            guard let wrapping = ([masterKey] + previousKeys).first(where: { $0.id == keyID }) else {
                throw KeyRingError.unknownMasterKey(keyID)
            }
            return try wrapping.unwrap(wrapped.bytes, tenant: tenant, version: version)
        }
        return nil
    }

    /// Re-wraps every data key (of `tenant`, or of all tenants) not wrapped by the current master key, using the
    /// platform role, in one transaction. Rows encrypted with the data keys are untouched. Returns how many keys
    /// were re-wrapped.
    public func rewrapAll(platform: Database, tenant only: TenantID? = nil) async throws -> Int {
        let logger = platform.logger
        return try await platform.withTransaction { connection in
            let rows = try await connection.checkedQuery("""
                SELECT tenant_id, version, master_key_id, wrapped_key
                FROM tenant_data_keys
                WHERE master_key_id <> \(masterKey.id)
                  AND (\(only?.rawValue)::uuid IS NULL OR tenant_id = \(only?.rawValue))
                FOR UPDATE
                """, logger: logger)
            var pending: [(UUID, Int32, String, [UInt8])] = []
            for try await (tenant, version, keyID, wrapped) in rows.decode((UUID, Int32, String, PostgresByteArray).self) {
                pending.append((tenant, version, keyID, wrapped.bytes))
            }
            for (tenant, version, keyID, wrapped) in pending {
                guard let old = previousKeys.first(where: { $0.id == keyID }) else { throw KeyRingError.unknownMasterKey(keyID) }
                let key = try old.unwrap(wrapped, tenant: TenantID(tenant), version: version)
                try await connection.checkedQuery("""
                    UPDATE tenant_data_keys
                    SET master_key_id = \(masterKey.id), wrapped_key = \(PostgresByteArray(masterKey.wrap(key))), rewrapped_at = now()
                    WHERE tenant_id = \(tenant) AND version = \(version) AND master_key_id = \(keyID)
                    """, logger: logger)
            }
            return pending.count
        }
    }

    /// A data key was wrapped by a master key that is not configured.
    public enum KeyRingError: Error, CustomStringConvertible {
        case unknownMasterKey(String)

        public var description: String {
            switch self {
            case .unknownMasterKey(let id):
                "a tenant data key is wrapped by master key \(id), which is neither GLAVITO_MASTER_KEY nor in GLAVITO_PREVIOUS_MASTER_KEYS"
            }
        }
    }
}
