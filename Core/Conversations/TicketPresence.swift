import Foundation
import Logging
import PostgresNIO

/// Who is viewing which ticket of one tenant: heartbeats into the UNLOGGED `ticket_presence` table, which any
/// control-plane process reads, so presence holds across processes. A viewer without a heartbeat for
/// ``expirySeconds`` is gone.
public struct TicketPresence: Sendable {
    public let tenant: TenantID
    /// Seconds after the last heartbeat that a viewer still counts.
    public static let expirySeconds = 30
    /// Seconds a typing heartbeat keeps an agent "typing".
    public static let typingSeconds = 6

    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// What a heartbeat changed: whether the agent arrived (no live row before), and whether a typing signal is
    /// due (typing, and the last one is more than half its lifetime old), so that events are appended only then.
    public struct Beat: Sendable, Equatable {
        public var joined: Bool
        public var typingSignal: Bool
    }

    /// Records that `user` views `ticket` (and types, with `typing`); one statement, so two heartbeats at once
    /// cannot both decide they joined.
    public func beat(ticket: UUID, user: UUID, name: String, typing: Bool, on connection: PostgresConnection, logger: Logger) async throws -> Beat {
        let rows = try await connection.checkedQuery("""
            WITH previous AS (
                SELECT seen_at, typing_until FROM ticket_presence
                WHERE tenant_id = \(tenant.rawValue) AND ticket_id = \(ticket) AND user_id = \(user)
            )
            INSERT INTO ticket_presence (tenant_id, ticket_id, user_id, display_name, typing_until, seen_at)
            VALUES (\(tenant.rawValue), \(ticket), \(user), \(String(name.prefix(120))),
                    CASE WHEN \(typing) THEN clock_timestamp() + make_interval(secs => \(Self.typingSeconds)) END, clock_timestamp())
            ON CONFLICT (tenant_id, ticket_id, user_id) DO UPDATE
            SET display_name = EXCLUDED.display_name,
                seen_at = EXCLUDED.seen_at,
                typing_until = CASE WHEN \(typing) THEN EXCLUDED.typing_until ELSE NULL END
            RETURNING
                NOT EXISTS (SELECT 1 FROM previous WHERE seen_at > clock_timestamp() - make_interval(secs => \(Self.expirySeconds))),
                \(typing) AND NOT EXISTS (
                    SELECT 1 FROM previous WHERE typing_until > clock_timestamp() + make_interval(secs => \(Self.typingSeconds / 2)))
            """, logger: logger)
        for try await (joined, typingSignal) in rows.decode((Bool, Bool).self) {
            return Beat(joined: joined, typingSignal: typingSignal)
        }
        return Beat(joined: true, typingSignal: typing)
    }

    /// Removes `user` from the viewers of `ticket`; whether they were there.
    public func leave(ticket: UUID, user: UUID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        let rows = try await connection.checkedQuery("""
            DELETE FROM ticket_presence
            WHERE tenant_id = \(tenant.rawValue) AND ticket_id = \(ticket) AND user_id = \(user)
            RETURNING user_id
            """, logger: logger)
        for try await _ in rows.decode(UUID.self) { return true }
        return false
    }

    /// The live viewers of `ticket`, by name; expired rows of the tenant are deleted on the way.
    public func viewers(ticket: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [TicketViewer] {
        try await connection.checkedQuery("""
            DELETE FROM ticket_presence
            WHERE tenant_id = \(tenant.rawValue) AND seen_at < clock_timestamp() - make_interval(secs => \(Self.expirySeconds))
            """, logger: logger)
        let rows = try await connection.checkedQuery("""
            SELECT user_id, display_name, coalesce(typing_until > clock_timestamp(), false), seen_at FROM ticket_presence
            WHERE tenant_id = \(tenant.rawValue) AND ticket_id = \(ticket)
            ORDER BY display_name, user_id
            """, logger: logger)
        var out: [TicketViewer] = []
        for try await (user, name, typing, seen) in rows.decode((UUID, String, Bool, Date).self) {
            out.append(TicketViewer(userID: user, name: name, typing: typing, seenAt: seen))
        }
        return out
    }
}
