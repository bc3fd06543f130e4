import Foundation
import GlavitoCore
import Hummingbird

/// API keys and the audit log, as pages and as exports.
struct AdminKeysAuditController {
    let identity: IdentityService

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/admin/api-keys", .permission(.adminAPIKeys)) { _, _, input in
            try await keysPage(try input.requirePrincipal())
        }

        routes.post("/admin/api-keys", .permission(.adminAPIKeys)) { _, context, input in
            let principal = try input.requirePrincipal()
            do {
                let scopes = try Permission.parse((input.form["scopes"] ?? "").split(separator: ",").map(String.init))
                guard scopes.isSubset(of: principal.permissions) else {
                    throw IdentityError.invalid("a key cannot have scopes its creator lacks")
                }
                let days = Int(input.form["expires_days"] ?? "") ?? 90
                guard (1...3650).contains(days) else { throw IdentityError.invalid("expiry must be 1 to 3650 days") }
                let expiry = Date().addingTimeInterval(Double(days) * 86_400)
                let (kind, actor) = principal.auditActor
                let name = input.form["name"] ?? ""
                let event = AuditEvent(actorKind: kind, actorID: actor, action: "api_key.created", clientAddress: context.clientAddress,
                                       details: ["name": name, "scopes": scopes.sorted().map(\.rawValue).joined(separator: ",")])
                let created = try await identity.audited(principal.tenant, event) { connection, logger in
                    try await APIKeyStore(tenant: principal.tenant).create(name: name, scopes: scopes, expiresAt: expiry,
                                                                           createdBy: principal.userID, on: connection, logger: logger)
                }
                return try await keysPage(principal, newKey: created.key)
            } catch let error as IdentityError {
                return try await keysPage(principal, error: error.description, status: .badRequest)
            }
        }

        routes.post("/admin/api-keys/:id/revoke", .permission(.adminAPIKeys)) { _, context, input in
            let principal = try input.requirePrincipal()
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else {
                throw Problem(status: .notFound, type: "not-found", title: "No such API key")
            }
            let (kind, actor) = principal.auditActor
            try await identity.audited(principal.tenant, AuditEvent(actorKind: kind, actorID: actor, action: "api_key.revoked",
                                                                    target: "api_key:\(id.uuidString.lowercased())", clientAddress: context.clientAddress)) { connection, logger in
                guard try await APIKeyStore(tenant: principal.tenant).revoke(id, on: connection, logger: logger) else {
                    throw Problem(status: .notFound, type: "not-found", title: "No such API key")
                }
            }
            return Redirect.to("/admin/api-keys")
        }

        routes.get("/admin/audit", .permission(.auditRead)) { request, _, input in
            let principal = try input.requirePrincipal()
            let filter = AuditFilter(request)
            let entries = try await read(principal.tenant, filter)
            return AppChrome.page(AuditPage.render(principal: principal, entries: entries, filter: filter))
        }

        routes.get("/admin/audit/export", .permission(.auditRead)) { request, context, input in
            let principal = try input.requirePrincipal()
            let filter = AuditFilter(request, defaultLimit: 100_000)
            let format = request.uri.queryParameters.get("format") ?? "jsonl"
            guard format == "csv" || format == "jsonl" else {
                throw Problem(status: .badRequest, type: "invalid-format", title: "Unknown export format", detail: "Use format=csv or format=jsonl.")
            }
            let (kind, actor) = principal.auditActor
            try await identity.audited(principal.tenant, AuditEvent(actorKind: kind, actorID: actor, action: "audit.exported",
                                                                    clientAddress: context.clientAddress, details: ["format": format])) { _, _ in }
            let entries = try await read(principal.tenant, filter)
            let body = format == "csv" ? AuditExport.csv(entries) : try AuditExport.jsonLines(entries)
            return Response(status: .ok, headers: [
                .contentType: format == "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson",
                .contentDisposition: "attachment; filename=\"audit.\(format)\"",
            ], body: .init(byteBuffer: ByteBuffer(string: body)))
        }

        routes.get("/api/v1/audit", .permission(.auditRead)) { request, _, input in
            let principal = try input.requirePrincipal()
            let entries = try await read(principal.tenant, AuditFilter(request))
            return try JSONResponse.encode(["entries": entries])
        }
    }

    func read(_ tenant: TenantID, _ filter: AuditFilter) async throws -> [AuditEntry] {
        try await identity.database.withTenantTransaction(tenant) { connection in
            try await AuditReader.entries(tenant: tenant, after: filter.after, limit: filter.limit, actionPrefix: filter.action,
                                          on: connection, logger: identity.database.logger)
        }
    }

    private func keysPage(_ principal: Principal, newKey: String? = nil, error: String? = nil, status: HTTPResponse.Status = .ok) async throws -> Response {
        let keys = try await identity.database.withTenantTransaction(principal.tenant) { connection in
            try await APIKeyStore(tenant: principal.tenant).list(on: connection, logger: identity.database.logger)
        }
        return AppChrome.page(AuditPage.keys(principal: principal, keys: keys, newKey: newKey, error: error), status: status)
    }
}

/// Query parameters of audit listings: `action` (prefix), `after` (position), `limit`.
struct AuditFilter {
    var action: String?
    var after: Int64
    var limit: Int

    init(_ request: Request, defaultLimit: Int = 200) {
        let query = request.uri.queryParameters
        action = query.get("action").flatMap { $0.isEmpty ? nil : String($0.prefix(100)) }
        after = query.get("after").flatMap(Int64.init) ?? 0
        limit = min(max(query.get("limit").flatMap(Int.init) ?? defaultLimit, 1), defaultLimit)
    }
}

/// JSON responses.
enum JSONResponse {
    static func encode<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: try JSONCoding.encode(value))))
    }
}
