import Yams

/// Parses the `users:` and `roles:` lists of a tenant file, with line and column in every error.
enum TenantMembersParser {
    static let userKeys: Set<String> = ["email", "name", "role", "teams"]
    static let roleKeys: Set<String> = ["key", "name", "permissions", "scope", "mfa_required"]
    static let builtInRoles: Set<String> = ["owner", "admin", "supervisor", "agent", "viewer"]

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

    static func users(_ node: Node?, roles custom: Set<String>, reader: NodeReader) throws(TenantDefinitionError) -> [TenantUserDefinition] {
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
                for entry in try reader.sequence(list, path: "users[].teams") { teams.append(try reader.string(entry, path: "users[].teams[]")) }
            }
            users.append(TenantUserDefinition(email: email, name: name, role: role, teams: teams))
        }
        return users
    }
}
