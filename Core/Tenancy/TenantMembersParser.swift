import Yams

/// Parses the `users:` and `roles:` lists of a tenant file, with line and column in every error.
enum TenantMembersParser {
    static let userKeys: Set<String> = ["email", "name", "role", "teams"]
    static let roleKeys: Set<String> = ["key", "name", "permissions", "scope", "mfa_required"]
    static let builtInRoles: Set<String> = ["owner", "admin", "supervisor", "agent", "viewer"]
    static let teamKeys: Set<String> = ["key", "name", "description"]

    /// `teams:` entries: a key alone (`- emea`) or a mapping with key, name and description.
    static func teams(_ node: Node?, reader: NodeReader) throws(TenantDefinitionError) -> [TenantTeamDefinition] {
        guard let node else { return [] }
        var teams: [TenantTeamDefinition] = []
        for item in try reader.sequence(node, path: "teams") {
            let team: TenantTeamDefinition
            if case .scalar = item {
                let key = try reader.string(item, path: "teams[]")
                team = TenantTeamDefinition(key: key, name: key)
            } else {
                let map = try reader.mapping(item, path: "teams[]", allowed: teamKeys)
                let key = try reader.requiredString(map, "key", in: item)
                let name = try map["name"].map { node throws(TenantDefinitionError) in try reader.string(node, path: "teams[].name") } ?? key
                let description = try map["description"].map { node throws(TenantDefinitionError) in
                    try reader.string(node, path: "teams[].description")
                } ?? ""
                team = TenantTeamDefinition(key: key, name: name, description: description)
            }
            guard Team.isValidKey(team.key) else {
                throw reader.error(item, "team key '\(team.key)' must be 1-40 of a-z, 0-9, _ or - starting with a letter or digit")
            }
            if let problem = Team.problem(name: team.name, description: team.description) { throw reader.error(item, "team '\(team.key)': \(problem)") }
            guard !teams.contains(where: { $0.key == team.key }) else { throw reader.error(item, "team '\(team.key)' is listed twice") }
            teams.append(team)
        }
        return teams
    }

    static func roles(_ node: Node?, reader: NodeReader) throws(TenantDefinitionError) -> [TenantRoleDefinition] {
        guard let node else { return [] }
        var roles: [TenantRoleDefinition] = []
        for item in try reader.sequence(node, path: "roles") {
            let map = try reader.mapping(item, path: "roles[]", allowed: roleKeys)
            let key = try reader.requiredString(map, "key", in: item)
            guard Role.isValidKey(key), !builtInRoles.contains(key) else {
                throw reader.error(map["key"], "role key '\(key)' must be a new key of a-z, 0-9, _ or - starting with a letter")
            }
            guard !roles.contains(where: { $0.key == key }) else { throw reader.error(map["key"], "role '\(key)' is defined twice") }
            var permissions: [String] = []
            if let list = map["permissions"] {
                for entry in try reader.sequence(list, path: "roles[].permissions") {
                    let name = try reader.string(entry, path: "roles[].permissions[]")
                    guard Permission(rawValue: name) != nil else {
                        throw reader.error(entry, "unknown permission '\(name)'; known: \(Permission.allCases.map(\.rawValue).joined(separator: ", "))")
                    }
                    permissions.append(name)
                }
            }
            let scope = try map["scope"].map { node throws(TenantDefinitionError) in try reader.string(node, path: "roles[].scope") } ?? "own"
            guard DataScope(rawValue: scope) != nil else { throw reader.error(map["scope"], "scope must be one of all, teams, own") }
            var mfa = false
            if let value = map["mfa_required"] {
                let text = try reader.string(value, path: "roles[].mfa_required")
                guard text == "true" || text == "false" else { throw reader.error(value, "mfa_required must be true or false") }
                mfa = text == "true"
            }
            let name = try map["name"].map { node throws(TenantDefinitionError) in try reader.string(node, path: "roles[].name") } ?? key
            roles.append(TenantRoleDefinition(key: key, name: name, permissions: permissions, scope: scope, mfaRequired: mfa))
        }
        return roles
    }

    static func users(_ node: Node?, roles custom: Set<String>, teams known: Set<String>,
                      reader: NodeReader) throws(TenantDefinitionError) -> [TenantUserDefinition] {
        guard let node else { return [] }
        var users: [TenantUserDefinition] = []
        for item in try reader.sequence(node, path: "users") {
            let map = try reader.mapping(item, path: "users[]", allowed: userKeys)
            let raw = try reader.requiredString(map, "email", in: item)
            guard let email = User.normaliseEmail(raw) else { throw reader.error(map["email"], "'\(raw)' is not an email address") }
            guard !users.contains(where: { $0.email == email }) else { throw reader.error(map["email"], "user '\(email)' is listed twice") }
            let role = try map["role"].map { node throws(TenantDefinitionError) in try reader.string(node, path: "users[].role") } ?? "agent"
            guard builtInRoles.contains(role) || custom.contains(role) else {
                throw reader.error(map["role"], "role '\(role)' is neither built in nor defined under roles:")
            }
            let name = try map["name"].map { node throws(TenantDefinitionError) in try reader.string(node, path: "users[].name") } ?? email
            var teams: [String] = []
            if let list = map["teams"] {
                for entry in try reader.sequence(list, path: "users[].teams") {
                    let team = try reader.string(entry, path: "users[].teams[]")
                    guard known.contains(team) else { throw reader.error(entry, "team '\(team)' is not listed under teams:") }
                    teams.append(team)
                }
            }
            users.append(TenantUserDefinition(email: email, name: name, role: role, teams: teams))
        }
        return users
    }
}
