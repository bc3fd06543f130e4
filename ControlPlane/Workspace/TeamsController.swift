import Foundation
import GlavitoCore
import Hummingbird

/// Teams (docs/workspace.md, "Teams"): `GET /api/v1/teams` for the workspace's team choices, and for admins
/// (admin.teams) create, rename, delete and members, through `/api/v1/teams` and the page `/admin/teams`. Every
/// change is audited in its transaction.
struct TeamsController {
    let api: ConversationAPI

    struct Changes: Decodable {
        let name: String?
        let description: String?
    }

    struct Members: Decodable {
        let userIDs: [UUID]
        enum CodingKeys: String, CodingKey { case userIDs = "user_ids" }
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/teams", .permission(.ticketsRead)) { _, _, input in
            try JSONResponse.encode(["teams": try await api.transaction(input) { connection, principal in
                try await TeamStore(tenant: principal.tenant).list(on: connection, logger: api.logger)
            }])
        }
        routes.post("/api/v1/teams", .permission(.adminTeams)) { _, context, input in
            try JSONResponse.encode(try await create(try ConversationAPI.decode(Team.self, input), input, context), status: .created)
        }
        routes.on("/api/v1/teams/:key", .patch, .permission(.adminTeams)) { _, context, input in
            let changes = try ConversationAPI.decode(Changes.self, input)
            return try JSONResponse.encode(try await update(Self.key(context), name: changes.name, description: changes.description, input, context))
        }
        routes.delete("/api/v1/teams/:key", .permission(.adminTeams)) { _, context, input in
            try await delete(Self.key(context), input, context)
            return Response(status: .noContent)
        }
        routes.on("/api/v1/teams/:key/members", .put, .permission(.adminTeams)) { _, context, input in
            let key = Self.key(context)
            let body = try ConversationAPI.decode(Members.self, input)
            guard body.userIDs.count <= 1000 else { throw JobsController.badRequest("user_ids: at most 1,000") }
            let team = try await api.audited(input, context, "team.members_set", target: "team:\(key)", details: ["members": "\(Set(body.userIDs).count)"]) {
                connection, principal in
                let store = TeamStore(tenant: principal.tenant)
                _ = try await store.setMembers(key, users: body.userIDs.map(UserID.init), on: connection, logger: api.logger)
                return try await store.get(key, on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(team)
        }

        routes.get("/admin/teams", .permission(.adminTeams)) { _, _, input in
            try await page(input)
        }
        routes.post("/admin/teams", .permission(.adminTeams)) { _, context, input in
            let team = Team(key: (input.form["key"] ?? "").trimmingCharacters(in: .whitespaces), name: input.form["name"] ?? "",
                            description: input.form["description"] ?? "")
            return try await api.submitForm(redirect: "/admin/teams", page: { try await page(input, error: $0, status: $1) }) {
                _ = try await create(team, input, context)
            }
        }
        routes.post("/admin/teams/:key", .permission(.adminTeams)) { _, context, input in
            try await api.submitForm(redirect: "/admin/teams", page: { try await page(input, error: $0, status: $1) }) {
                _ = try await update(Self.key(context), name: input.form["name"], description: input.form["description"], input, context)
            }
        }
        routes.post("/admin/teams/:key/delete", .permission(.adminTeams)) { _, context, input in
            try await api.submitForm(redirect: "/admin/teams", page: { try await page(input, error: $0, status: $1) }) {
                try await delete(Self.key(context), input, context)
            }
        }
        routes.post("/admin/teams/:key/members", .permission(.adminTeams)) { _, context, input in
            try await api.submitForm(redirect: "/admin/teams", page: { try await page(input, error: $0, status: $1) }) {
                guard let user = (input.form["user_id"]).flatMap(UUID.init(uuidString:)) else { throw JobsController.badRequest("choose a user") }
                try await member(add: true, Self.key(context), UserID(user), input, context)
            }
        }
        routes.post("/admin/teams/:key/members/:user/remove", .permission(.adminTeams)) { _, context, input in
            try await api.submitForm(redirect: "/admin/teams", page: { try await page(input, error: $0, status: $1) }) {
                try await member(add: false, Self.key(context), UserID(try ConversationAPI.uuid(context, "user")), input, context)
            }
        }
    }

    /// The `{key}` of the path, percent-decoded (keys seeded from old labels may hold spaces).
    static func key(_ context: TenantRequestContext) -> String {
        let raw = context.parameters.get("key") ?? ""
        return raw.removingPercentEncoding ?? raw
    }

    func create(_ team: Team, _ input: RouteInput, _ context: TenantRequestContext) async throws -> Team {
        try await api.audited(input, context, "team.created", target: "team:\(team.key)", details: ["name": team.name]) { connection, principal in
            try await TeamStore(tenant: principal.tenant).create(team, on: connection, logger: api.logger)
        }
    }

    func update(_ key: String, name: String?, description: String?, _ input: RouteInput, _ context: TenantRequestContext) async throws -> Team {
        try await api.audited(input, context, "team.updated", target: "team:\(key)", details: name.map { ["name": $0] } ?? [:]) {
            connection, principal in
            try await TeamStore(tenant: principal.tenant).update(key, name: name, description: description, on: connection, logger: api.logger)
        }
    }

    /// Deletes the team; a missing team is a 404 and, like every refusal, leaves no audit entry (the transaction
    /// rolls back).
    func delete(_ key: String, _ input: RouteInput, _ context: TenantRequestContext) async throws {
        try await api.audited(input, context, "team.deleted", target: "team:\(key)") { connection, principal in
            guard try await TeamStore(tenant: principal.tenant).delete(key, on: connection, logger: api.logger) else {
                throw ConversationAPI.notFound("there is no team \(key) in this workspace")
            }
        }
    }

    /// Adds or removes one member; a change that would change nothing is refused (409), without an audit entry.
    func member(add: Bool, _ key: String, _ user: UserID, _ input: RouteInput, _ context: TenantRequestContext) async throws {
        try await api.audited(input, context, add ? "team.member_added" : "team.member_removed", target: "team:\(key)",
                              details: ["user": user.description]) { connection, principal in
            let store = TeamStore(tenant: principal.tenant)
            let changed = if add {
                try await store.addMember(key, user: user, on: connection, logger: api.logger)
            } else {
                try await store.removeMember(key, user: user, on: connection, logger: api.logger)
            }
            guard changed else {
                throw Problem(status: .conflict, type: "conflict", title: "Conflict",
                              detail: add ? "the user is already in the team \(key)" : "the user is not in the team \(key)")
            }
        }
    }

    func page(_ input: RouteInput, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let principal = try input.requirePrincipal()
        let (teams, users) = try await api.transaction(input) { connection, principal in
            (try await TeamStore(tenant: principal.tenant).list(on: connection, logger: api.logger),
             try await UserRepository(tenant: principal.tenant).list(on: connection, logger: api.logger))
        }
        return AppChrome.page(TeamsPage.render(principal: principal, teams: teams, users: users, error: error), status: status)
    }
}
