import Foundation
import GlavitoCore
import Hummingbird
import PostgresNIO

/// What the conversation controllers share: tenant transactions, error mapping to problems, body decoding,
/// data-scope checks.
struct ConversationAPI: Sendable {
    let identity: IdentityService

    var logger: Logger { identity.database.logger }
    var keyRing: TenantKeyRing { identity.keyRing }

    /// Runs `body` in a transaction bound to the caller's tenant, mapping domain errors to problems.
    func transaction<Result: Sendable>(_ input: RouteInput, _ body: (PostgresConnection, Principal) async throws -> Result) async throws -> Result {
        let principal = try input.requirePrincipal()
        return try await Self.mapped { try await identity.database.withTenantTransaction(principal.tenant) { try await body($0, principal) } }
    }

    /// Like ``transaction(_:_:)`` with an audit entry for `action` on `target` in the same transaction.
    func audited<Result: Sendable>(_ input: RouteInput, _ context: TenantRequestContext, _ action: String, target: String,
                                   details: [String: String] = [:],
                                   _ body: (PostgresConnection, Principal) async throws -> Result) async throws -> Result {
        let principal = try input.requirePrincipal()
        let (kind, actor) = principal.auditActor
        let event = AuditEvent(actorKind: kind, actorID: actor, action: action, target: target, clientAddress: context.clientAddress,
                               details: details)
        return try await Self.mapped { try await identity.audited(principal.tenant, event) { connection, _ in try await body(connection, principal) } }
    }

    /// Throws 404 when the ticket is outside what the caller's data scope lets them see.
    static func checkScope(_ ticket: Ticket, _ principal: Principal) throws {
        let allowed = principal.dataScope == .all || principal.userID.map {
            principal.dataScope.allows(user: $0, teams: principal.teams, recordOwner: ticket.assigneeID.map(UserID.init), recordTeam: ticket.team)
        } ?? false
        guard allowed else { throw notFound("no ticket \(ticket.id.uuidString.lowercased()) in this workspace") }
    }

    static func actor(_ principal: Principal) -> String {
        principal.userID.map { "user:\($0)" } ?? "api"
    }

    static func mapped<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch ConversationError.invalid(let reason) {
            throw JobsController.badRequest(reason)
        } catch ConversationError.notFound(let reason) {
            throw notFound(reason)
        } catch ConversationError.conflict(let reason) {
            throw Problem(status: .conflict, type: "conflict", title: "Conflict", detail: reason)
        } catch ConversationError.unknownTeam(let key) {
            throw Problem(status: .unprocessableContent, type: "unknown-team", title: "Unknown team",
                          detail: ConversationError.unknownTeam(key).description)
        } catch IdentityError.invalid(let reason) {
            throw JobsController.badRequest(reason)
        } catch IdentityError.notFound(let reason) {
            throw notFound(reason)
        } catch IdentityError.conflict(let reason) {
            throw Problem(status: .conflict, type: "conflict", title: "Conflict", detail: reason)
        } catch ConversationError.unsupported(let reason) {
            throw Problem(status: .unprocessableContent, type: "unsupported-content", title: "Not accepted by the channel", detail: reason)
        } catch let error as ConversationError {
            throw Problem(status: .unprocessableContent, type: "window-closed", title: "Customer-service window closed", detail: error.description)
        }
    }

    static func notFound(_ detail: String) -> Problem {
        Problem(status: .notFound, type: "not-found", title: "Not found", detail: detail)
    }

    /// `after` (a message id) and `limit` (1-500, default 100) of a timeline page.
    static func messagePage(_ request: Request) throws -> (after: UUID?, limit: Int) {
        let query = request.uri.queryParameters
        let after = try query.get("after").map { text -> UUID in
            guard let value = UUID(uuidString: text) else { throw JobsController.badRequest("after must be a message id") }
            return value
        }
        let limit = Int(try JobsController.integer(query.get("limit"), name: "limit") ?? 100)
        guard (1...500).contains(limit) else { throw JobsController.badRequest("limit must be between 1 and 500") }
        return (after, limit)
    }

    static func uuid(_ context: TenantRequestContext, _ name: String = "id") throws -> UUID {
        guard let text = context.parameters.get(name), let id = UUID(uuidString: text) else {
            throw JobsController.badRequest("\(name) must be a UUID")
        }
        return id
    }

    static func decode<T: Decodable>(_ type: T.Type, _ input: RouteInput) throws -> T {
        do {
            return try JSONCoding.decode(type, from: String(buffer: input.body))
        } catch let error as ConversationError {
            throw JobsController.badRequest(error.description)
        } catch DecodingError.dataCorrupted(let context) {
            throw JobsController.badRequest("the body is not valid: \(context.debugDescription)")
        } catch DecodingError.keyNotFound(let key, _) {
            throw JobsController.badRequest("the body needs the field \(key.stringValue)")
        } catch DecodingError.typeMismatch(_, let context) {
            throw JobsController.badRequest("the field \(context.codingPath.map(\.stringValue).joined(separator: ".")) has the wrong type")
        } catch {
            throw JobsController.badRequest("the body must be a JSON object with the documented fields")
        }
    }
}
