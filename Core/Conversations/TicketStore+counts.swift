import Foundation
import Logging
import PostgresNIO

/// How many tickets need work in each of the workspace's views.
public struct TicketViewCounts: Sendable, Equatable, Codable {
    public var mine: Int
    public var unassigned: Int
    public var teams: Int
    public var all: Int
}

extension TicketStore {
    /// Open and pending tickets per view (mine, unassigned, my teams, all), within what `scope` lets `user` see.
    public func viewCounts(scope: DataScope, user: UUID?, teams: Set<String>, on connection: PostgresConnection,
                           logger: Logger) async throws -> TicketViewCounts {
        let teamList = Array(teams)
        let rows = try await connection.checkedQuery("""
            SELECT count(*) FILTER (WHERE assignee_id = \(user)),
                   count(*) FILTER (WHERE assignee_id IS NULL),
                   count(*) FILTER (WHERE team = ANY(\(teamList)::text[])),
                   count(*)
            FROM tickets
            WHERE tenant_id = \(tenant.rawValue)
              AND status IN ('open', 'pending')
              AND (\(scope.rawValue) = 'all'
                   OR assignee_id = \(user)
                   OR (\(scope.rawValue) = 'teams' AND team = ANY(\(teamList)::text[])))
            """, logger: logger)
        for try await (mine, unassigned, team, all) in rows.decode((Int, Int, Int, Int).self) {
            return TicketViewCounts(mine: mine, unassigned: unassigned, teams: team, all: all)
        }
        return TicketViewCounts(mine: 0, unassigned: 0, teams: 0, all: 0)
    }
}
