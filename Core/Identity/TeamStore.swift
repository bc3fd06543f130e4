import Foundation
import Logging
import PostgresNIO

/// A tenant's teams (`teams`) and who is in them (`users.teams`). Every method runs on a connection in a
/// transaction bound to the tenant, so the caller commits its audit entry with the change.
public struct TeamStore: Sendable {
    /// The tenant.
    public let tenant: TenantID

    /// Creates a store for `tenant`.
    public init(tenant: TenantID) {
        self.tenant = tenant
    }

    /// Every team with its members, by name.
    public func list(on connection: PostgresConnection, logger: Logger) async throws -> [Team] {
        try await select(key: nil, on: connection, logger: logger)
    }

    /// The team with `key`; throws ``IdentityError/notFound(_:)`` when there is none.
    public func get(_ key: String, on connection: PostgresConnection, logger: Logger) async throws -> Team {
        guard let team = try await select(key: key, on: connection, logger: logger).first else { throw Self.noTeam(key) }
        return team
    }

    private func select(key: String?, on connection: PostgresConnection, logger: Logger) async throws -> [Team] {
        let rows = try await connection.checkedQuery("""
            SELECT t.key, t.name, t.description,
                   coalesce(array_agg(u.id ORDER BY u.email) FILTER (WHERE u.id IS NOT NULL), '{}')
            FROM teams t
            LEFT JOIN users u ON u.tenant_id = t.tenant_id AND t.key = ANY(u.teams)
            WHERE t.tenant_id = \(tenant.rawValue)
              AND (\(key)::text IS NULL OR t.key = \(key))
            GROUP BY t.key, t.name, t.description
            ORDER BY lower(t.name), t.key
            """, logger: logger)
        var teams: [Team] = []
        for try await (key, name, description, members) in rows.decode((String, String, String, [UUID]).self) {
            teams.append(Team(key: key, name: name, description: description, members: members.map(UserID.init)))
        }
        return teams
    }

    /// Creates a team; throws ``IdentityError/invalid(_:)`` for a bad key, name or description and
    /// ``IdentityError/conflict(_:)`` when the key is taken.
    public func create(_ team: Team, on connection: PostgresConnection, logger: Logger) async throws -> Team {
        guard Team.isValidKey(team.key) else {
            throw IdentityError.invalid("the key must start with a lower-case letter or digit and hold only a-z, 0-9, _ and - (40 at most)")
        }
        if let problem = Team.problem(name: team.name, description: team.description) { throw IdentityError.invalid(problem) }
        let name = team.name.trimmingCharacters(in: .whitespacesAndNewlines)
        let rows = try await connection.checkedQuery("""
            INSERT INTO teams (tenant_id, key, name, description)
            VALUES (\(tenant.rawValue), \(team.key), \(name), \(team.description))
            ON CONFLICT (tenant_id, key) DO NOTHING
            RETURNING key
            """, logger: logger)
        for try await _ in rows.decode(String.self) { return Team(key: team.key, name: name, description: team.description) }
        throw IdentityError.conflict("a team with the key \(team.key) exists")
    }

    /// Renames a team or changes its description (`nil` keeps either); the key stays.
    public func update(_ key: String, name: String?, description: String?, on connection: PostgresConnection, logger: Logger) async throws -> Team {
        let current = try await get(key, on: connection, logger: logger)
        let newName = name?.trimmingCharacters(in: .whitespacesAndNewlines) ?? current.name
        let newDescription = description ?? current.description
        if let problem = Team.problem(name: newName, description: newDescription) { throw IdentityError.invalid(problem) }
        try await connection.checkedQuery("""
            UPDATE teams SET name = \(newName), description = \(newDescription), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND key = \(key)
            """, logger: logger)
        return Team(key: key, name: newName, description: newDescription, members: current.members)
    }

    /// Deletes a team and takes it off its members. Refused with ``IdentityError/conflict(_:)`` while tickets that
    /// are not resolved or closed carry it (they must be moved to another team first); resolved and closed tickets
    /// keep the key as history. Returns `false` when there is no such team.
    public func delete(_ key: String, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        // The row lock makes a concurrent ticket change to this team (which takes a share lock) wait or fail.
        let locked = try await connection.checkedQuery("""
            SELECT key FROM teams WHERE tenant_id = \(tenant.rawValue) AND key = \(key) FOR UPDATE
            """, logger: logger)
        var exists = false
        for try await _ in locked.decode(String.self) { exists = true }
        guard exists else { return false }
        let open = try await connection.checkedQuery("""
            SELECT count(*)::int FROM tickets
            WHERE tenant_id = \(tenant.rawValue) AND team = \(key) AND status IN ('open', 'pending', 'snoozed')
            """, logger: logger)
        for try await count in open.decode(Int.self) where count > 0 {
            throw IdentityError.conflict("the team \(key) still has \(count) unresolved ticket\(count == 1 ? "" : "s"); move them to another team first")
        }
        try await connection.checkedQuery("""
            UPDATE users SET teams = array_remove(teams, \(key)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND \(key) = ANY(teams)
            """, logger: logger)
        try await connection.checkedQuery("DELETE FROM teams WHERE tenant_id = \(tenant.rawValue) AND key = \(key)", logger: logger)
        return true
    }

    /// Makes `users` the team's members: adds those missing, removes the others. Throws when a user is not in
    /// this workspace. Returns how many were added and removed.
    public func setMembers(_ key: String, users: [UserID], on connection: PostgresConnection, logger: Logger) async throws
        -> (added: Int, removed: Int) {
        try await lock(key, on: connection, logger: logger)
        let ids = Array(Set(users.map(\.rawValue)))
        try await requireUsers(ids, on: connection, logger: logger)
        let added = try await count(try await connection.checkedQuery("""
            UPDATE users SET teams = array_append(teams, \(key)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = ANY(\(ids)::uuid[]) AND NOT \(key) = ANY(teams)
            RETURNING id
            """, logger: logger))
        let removed = try await count(try await connection.checkedQuery("""
            UPDATE users SET teams = array_remove(teams, \(key)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND \(key) = ANY(teams) AND NOT id = ANY(\(ids)::uuid[])
            RETURNING id
            """, logger: logger))
        return (added, removed)
    }

    /// Adds `user` to the team; `false` when they were in it already.
    public func addMember(_ key: String, user: UserID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await lock(key, on: connection, logger: logger)
        try await requireUsers([user.rawValue], on: connection, logger: logger)
        return try await count(try await connection.checkedQuery("""
            UPDATE users SET teams = array_append(teams, \(key)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(user.rawValue) AND NOT \(key) = ANY(teams)
            RETURNING id
            """, logger: logger)) > 0
    }

    /// Takes `user` out of the team; `false` when they were not in it.
    public func removeMember(_ key: String, user: UserID, on connection: PostgresConnection, logger: Logger) async throws -> Bool {
        try await lock(key, on: connection, logger: logger)
        return try await count(try await connection.checkedQuery("""
            UPDATE users SET teams = array_remove(teams, \(key)), updated_at = now()
            WHERE tenant_id = \(tenant.rawValue) AND id = \(user.rawValue) AND \(key) = ANY(teams)
            RETURNING id
            """, logger: logger)) > 0
    }

    /// Which of `keys` name no team of the tenant. The teams found are share-locked until the transaction ends,
    /// so a team cannot be deleted under a write that names it.
    public func missing(_ keys: [String], on connection: PostgresConnection, logger: Logger) async throws -> [String] {
        guard !keys.isEmpty else { return [] }
        let rows = try await connection.checkedQuery("""
            SELECT key FROM teams WHERE tenant_id = \(tenant.rawValue) AND key = ANY(\(keys)::text[]) FOR SHARE
            """, logger: logger)
        var found: Set<String> = []
        for try await key in rows.decode(String.self) { found.insert(key) }
        return keys.filter { !found.contains($0) }
    }

    private func lock(_ key: String, on connection: PostgresConnection, logger: Logger) async throws {
        guard try await missing([key], on: connection, logger: logger).isEmpty else { throw Self.noTeam(key) }
    }

    private func requireUsers(_ ids: [UUID], on connection: PostgresConnection, logger: Logger) async throws {
        guard !ids.isEmpty else { return }
        let rows = try await connection.checkedQuery("""
            SELECT count(*)::int FROM users WHERE tenant_id = \(tenant.rawValue) AND id = ANY(\(ids)::uuid[])
            """, logger: logger)
        for try await found in rows.decode(Int.self) where found != ids.count {
            throw IdentityError.invalid("user_ids must name users of this workspace")
        }
    }

    private func count(_ rows: PostgresRowSequence) async throws -> Int {
        var count = 0
        for try await _ in rows.decode(UUID.self) { count += 1 }
        return count
    }

    static func noTeam(_ key: String) -> IdentityError {
        .notFound("there is no team \(key) in this workspace")
    }
}
