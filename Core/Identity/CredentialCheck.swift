import Foundation
import Logging
import PostgresNIO

/// Whether a principal's credential still holds: long-lived connections (live updates) re-check it now and then, so
/// a revoked session or API key, a deactivated user, or a session past its absolute lifetime ends them too.
/// (The idle timeout is not applied: an open live connection is the user's activity.)
public enum CredentialCheck {
    /// True while the session or API key behind `principal` is neither revoked nor expired and its user is active.
    public static func stillValid(_ principal: Principal, database: Database) async throws -> Bool {
        let logger = database.logger
        return try await database.withTenantTransaction(principal.tenant) { connection in
            let rows: PostgresRowSequence
            switch principal.credential {
            case .session(let id, _, _):
                rows = try await connection.checkedQuery("""
                    SELECT count(*)::int FROM sessions s JOIN users u ON u.id = s.user_id
                    WHERE s.id = \(id.rawValue) AND s.revoked_at IS NULL AND s.absolute_expires_at > now() AND u.status = 'active'
                    """, logger: logger)
            case .apiKey(let id):
                guard let key = UUID(uuidString: id) else { return false }
                rows = try await connection.checkedQuery("""
                    SELECT count(*)::int FROM api_keys
                    WHERE id = \(key) AND revoked_at IS NULL AND (expires_at IS NULL OR expires_at > now())
                    """, logger: logger)
            }
            for try await count in rows.decode(Int.self) { return count == 1 }
            return false
        }
    }
}
