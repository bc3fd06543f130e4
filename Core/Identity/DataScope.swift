/// Which records a role sees: all of the tenant's, those of the user's teams, or only the user's own.
public enum DataScope: String, Sendable, Codable, CaseIterable {
    case all
    case teams
    case own

    /// Whether a record owned by `ownerID` and belonging to `team` is visible to `user` under this scope.
    public func allows(user: UserID, teams userTeams: Set<String>, recordOwner ownerID: UserID?, recordTeam team: String?) -> Bool {
        switch self {
        case .all: true
        case .teams: ownerID == user || (team.map(userTeams.contains) ?? false)
        case .own: ownerID == user
        }
    }
}
