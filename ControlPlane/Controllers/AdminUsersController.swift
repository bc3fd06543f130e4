import Foundation
import GlavitoCore
import Hummingbird
import Logging
import PostgresNIO

/// Administration of users and roles: invite, deactivate, assign roles, reset MFA; create and edit custom roles.
struct AdminUsersController {
    let identity: IdentityService

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/admin/users", .permission(.adminUsers)) { _, _, input in
            try await usersPage(try input.requirePrincipal())
        }

        routes.post("/admin/users", .permission(.adminUsers)) { _, context, input in
            let principal = try input.requirePrincipal()
            let role = input.form["role"] ?? "agent"
            if role == "owner", principal.roleKey != "owner" {
                return try await usersPage(principal, error: "Only an owner can make someone an owner.", status: .forbidden)
            }
            do {
                let (user, token) = try await identity.audited(principal.tenant, event(principal, context, "user.invited", nil, ["role": role])) { connection, logger in
                    let user = try await UserRepository(tenant: principal.tenant).create(
                        email: input.form["email"] ?? "", displayName: input.form["name"] ?? "", roleKey: role, passwordHash: nil,
                        status: .invited, on: connection, logger: logger)
                    let token = try await PasswordResets(tenant: principal.tenant).issue(for: user.id, on: connection, logger: logger)
                    return (user, token)
                }
                return try await usersPage(principal, flash: "Invited \(user.email). Send them this one-time link (valid 72 hours): /password/reset?token=\(token)")
            } catch let error as IdentityError {
                return try await usersPage(principal, error: error.description, status: .badRequest)
            }
        }

        routes.post("/admin/users/:id/role", .permission(.adminUsers)) { _, context, input in
            let principal = try input.requirePrincipal()
            let user = try userID(context)
            let role = input.form["role"] ?? ""
            if role == "owner", principal.roleKey != "owner" {
                return try await usersPage(principal, error: "Only an owner can make someone an owner.", status: .forbidden)
            }
            do {
                try await identity.audited(principal.tenant, event(principal, context, "role.assigned", "user:\(user)", ["role": role])) { connection, logger in
                    try await requireMayManage(user, principal, on: connection, logger: logger)
                    _ = try await UserRepository(tenant: principal.tenant).setRole(user, to: role, on: connection, logger: logger)
                    // A change of privilege ends the user's sessions: they sign in again and get a new token.
                    try await identity.sessions.revokeAll(tenant: principal.tenant, user: user, on: connection, logger: logger)
                }
            } catch let error as IdentityError {
                return try await usersPage(principal, error: error.description, status: .badRequest)
            }
            return Redirect.to("/admin/users")
        }

        routes.post("/admin/users/:id/deactivate", .permission(.adminUsers)) { _, context, input in
            let principal = try input.requirePrincipal()
            let user = try userID(context)
            guard user != principal.userID else { return try await usersPage(principal, error: "You cannot deactivate yourself.", status: .badRequest) }
            try await identity.audited(principal.tenant, event(principal, context, "user.deactivated", "user:\(user)")) { connection, logger in
                try await requireMayManage(user, principal, on: connection, logger: logger)
                try await UserRepository(tenant: principal.tenant).setStatus(user, to: .deactivated, on: connection, logger: logger)
                try await identity.sessions.revokeAll(tenant: principal.tenant, user: user, on: connection, logger: logger)
            }
            return Redirect.to("/admin/users")
        }

        routes.post("/admin/users/:id/reset-mfa", .permission(.adminUsers)) { _, context, input in
            let principal = try input.requirePrincipal()
            let user = try userID(context)
            try await identity.audited(principal.tenant, event(principal, context, "mfa.reset", "user:\(user)")) { connection, logger in
                try await requireMayManage(user, principal, on: connection, logger: logger)
                try await MFAService(tenant: principal.tenant, keyRing: identity.keyRing).reset(user: user, on: connection, logger: logger)
                try await identity.sessions.revokeAll(tenant: principal.tenant, user: user, on: connection, logger: logger)
            }
            return Redirect.to("/admin/users")
        }

        routes.post("/admin/users/:id/reset-password", .permission(.adminUsers)) { _, context, input in
            let principal = try input.requirePrincipal()
            let user = try userID(context)
            // Until the email channel exists, the admin hands the one-time link over; issuing it is audited.
            let token = try await identity.audited(principal.tenant, event(principal, context, "password.reset_issued", "user:\(user)")) { connection, logger in
                guard try await UserRepository(tenant: principal.tenant).find(user, on: connection, logger: logger) != nil else {
                    throw Problem(status: .notFound, type: "not-found", title: "No such user")
                }
                return try await PasswordResets(tenant: principal.tenant).issue(for: user, on: connection, logger: logger)
            }
            return try await usersPage(principal, flash: "One-time password link (valid 72 hours): /password/reset?token=\(token)")
        }

        routes.get("/admin/roles", .permission(.adminRoles)) { _, _, input in
            try await rolesPage(try input.requirePrincipal())
        }

        routes.post("/admin/roles", .permission(.adminRoles)) { _, context, input in
            let principal = try input.requirePrincipal()
            let key = (input.form["key"] ?? "").trimmingCharacters(in: .whitespaces)
            do {
                let permissions = try Permission.parse((input.form["permissions"] ?? "").split(separator: ",").map(String.init))
                guard let scope = DataScope(rawValue: input.form["scope"] ?? "own") else { throw IdentityError.invalid("unknown data scope") }
                let role = Role(key: key, name: input.form["name"] ?? key, permissions: permissions, dataScope: scope, mfaRequired: input.form["mfa_required"] == "on")
                let details = ["permissions": permissions.sorted().map(\.rawValue).joined(separator: ","), "scope": scope.rawValue,
                               "mfa_required": String(role.mfaRequired)]
                try await identity.audited(principal.tenant, event(principal, context, "role.saved", "role:\(key)", details)) { connection, logger in
                    try await RoleRepository(tenant: principal.tenant).upsert(role, on: connection, logger: logger)
                }
            } catch let error as IdentityError {
                return try await rolesPage(principal, error: error.description, status: .badRequest)
            }
            return Redirect.to("/admin/roles")
        }
    }

    func event(_ principal: Principal, _ context: TenantRequestContext, _ action: String, _ target: String?, _ details: [String: String] = [:]) -> AuditEvent {
        let (kind, id) = principal.auditActor
        return AuditEvent(actorKind: kind, actorID: id, action: action, target: target, clientAddress: context.clientAddress, details: details)
    }

    /// Only an owner may change, deactivate or reset an owner.
    func requireMayManage(_ user: UserID, _ principal: Principal, on connection: PostgresConnection, logger: Logger) async throws {
        guard let target = try await UserRepository(tenant: principal.tenant).find(user, on: connection, logger: logger) else {
            throw Problem(status: .notFound, type: "not-found", title: "No such user")
        }
        if target.roleKey == "owner", principal.roleKey != "owner" {
            throw Problem(status: .forbidden, type: "forbidden", title: "Not allowed", detail: "Only an owner can change an owner's account.")
        }
    }

    func userID(_ context: TenantRequestContext) throws -> UserID {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
            throw Problem(status: .notFound, type: "not-found", title: "No such user")
        }
        return UserID(id)
    }

    private func usersPage(_ principal: Principal, flash: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let (users, roles) = try await identity.database.withTenantTransaction(principal.tenant) { connection in
            (try await UserRepository(tenant: principal.tenant).list(on: connection, logger: identity.database.logger),
             try await RoleRepository(tenant: principal.tenant).list(on: connection, logger: identity.database.logger))
        }
        return AppChrome.page(AdminPages.users(principal: principal, users: users, roles: roles, flash: flash, error: error), status: status)
    }

    private func rolesPage(_ principal: Principal, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let roles = try await identity.database.withTenantTransaction(principal.tenant) { connection in
            try await RoleRepository(tenant: principal.tenant).list(on: connection, logger: identity.database.logger)
        }
        return AppChrome.page(AdminPages.roles(principal: principal, roles: roles, error: error), status: status)
    }
}
