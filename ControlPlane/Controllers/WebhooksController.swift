import Foundation
import GlavitoCore
import Hummingbird
import PostgresNIO

/// `/api/v1/webhooks`: a tenant's outgoing webhook subscriptions, their delivery logs, redelivery, re-enabling and
/// secret rotation (docs/webhooks.md). All routes need `admin.settings`; every change is in the audit log.
struct WebhooksController {
    let identity: IdentityService
    let settings: WebhookSettings

    struct CreateRequest: Decodable {
        let url: String
        let eventTypes: [String]
        let description: String?
        enum CodingKeys: String, CodingKey { case url, description, eventTypes = "event_types" }
    }

    struct UpdateRequest: Decodable {
        let url: String?
        let eventTypes: [String]?
        let description: String?
        enum CodingKeys: String, CodingKey { case url, description, eventTypes = "event_types" }
    }

    struct WithSecret: Encodable {
        let subscription: WebhookSubscription
        /// `whsec_…`: shown this once.
        let secret: String
    }

    struct Deliveries: Encodable {
        let deliveries: [WebhookDelivery]
        /// Pass as `after` for the next page; absent on the last page.
        let next: Int64?
    }

    func addRoutes(to routes: SecuredRoutes) {
        routes.post("/api/v1/webhooks", .permission(.adminSettings)) { _, context, input in
            let body = try Self.decode(CreateRequest.self, input)
            let (created, secret) = try await audited(input, context, "webhook.created", target: nil, details: ["url": body.url]) { connection in
                try await store(input).create(url: body.url, eventTypes: body.eventTypes, description: body.description ?? "",
                                              on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(WithSecret(subscription: created, secret: secret.encoded), status: .created)
        }
        routes.get("/api/v1/webhooks", .permission(.adminSettings)) { _, _, input in
            let list = try await read(input) { connection in
                try await store(input).list(on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(["subscriptions": list])
        }
        routes.get("/api/v1/admin/notices", .permission(.adminSettings)) { _, _, input in
            let principal = try input.requirePrincipal()
            let notices = try await read(input) { connection in
                try await WebhookDeliveryLog(tenant: principal.tenant).notices(limit: 100, on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(["notices": notices])
        }
        routes.get("/admin/webhooks", .permission(.adminSettings)) { _, _, input in
            let principal = try input.requirePrincipal()
            let (subscriptions, notices) = try await read(input) { connection in
                (try await store(input).list(on: connection, logger: identity.database.logger),
                 try await WebhookDeliveryLog(tenant: principal.tenant).notices(limit: 20, on: connection, logger: identity.database.logger))
            }
            return AppChrome.page(WebhooksPage.render(principal: principal, subscriptions: subscriptions, notices: notices))
        }
        routes.get("/api/v1/webhooks/:id", .permission(.adminSettings)) { _, context, input in
            let id = try Self.id(context)
            return try JSONResponse.encode(try await read(input) { try await store(input).get(id, on: $0, logger: identity.database.logger) })
        }
        routes.on("/api/v1/webhooks/:id", .patch, .permission(.adminSettings)) { _, context, input in
            let id = try Self.id(context)
            let body = try Self.decode(UpdateRequest.self, input)
            let updated = try await audited(input, context, "webhook.updated", target: id, details: ["url": body.url ?? ""]) { connection in
                try await store(input).update(id, url: body.url, eventTypes: body.eventTypes, description: body.description,
                                              on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(updated)
        }
        routes.delete("/api/v1/webhooks/:id", .permission(.adminSettings)) { _, context, input in
            let id = try Self.id(context)
            try await audited(input, context, "webhook.deleted", target: id) { connection in
                try await store(input).delete(id, on: connection, logger: identity.database.logger)
            }
            return Response(status: .noContent)
        }
        routes.post("/api/v1/webhooks/:id/enable", .permission(.adminSettings)) { _, context, input in
            let id = try Self.id(context)
            let (enabled, resumed) = try await audited(input, context, "webhook.enabled", target: id) { connection in
                try await store(input).enable(id, on: connection, logger: identity.database.logger)
            }
            struct Enabled: Encodable { let subscription: WebhookSubscription; let resumed_messages: Int }
            return try JSONResponse.encode(Enabled(subscription: enabled, resumed_messages: resumed))
        }
        routes.post("/api/v1/webhooks/:id/rotate-secret", .permission(.adminSettings)) { _, context, input in
            let id = try Self.id(context)
            let secret = try await audited(input, context, "webhook.secret_rotated", target: id) { connection in
                try await store(input).rotateSecret(id, on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(["secret": secret.encoded])
        }
        routes.get("/api/v1/webhooks/:id/deliveries", .permission(.adminSettings)) { request, context, input in
            let id = try Self.id(context)
            let after = try JobsController.integer(request.uri.queryParameters.get("after"), name: "after") ?? 0
            let limit = try JobsController.integer(request.uri.queryParameters.get("limit"), name: "limit") ?? 50
            guard (1...500).contains(limit) else { throw JobsController.badRequest("limit must be between 1 and 500") }
            let principal = try input.requirePrincipal()
            let page = try await read(input) { connection in
                _ = try await store(input).get(id, on: connection, logger: identity.database.logger)
                return try await WebhookDeliveryLog(tenant: principal.tenant).list(subscription: id, after: after, limit: Int(limit),
                                                                                  on: connection, logger: identity.database.logger)
            }
            return try JSONResponse.encode(Deliveries(deliveries: page, next: page.count == Int(limit) ? page.last?.id : nil))
        }
        routes.post("/api/v1/webhooks/:id/deliveries/:delivery/redeliver", .permission(.adminSettings)) { _, context, input in
            let id = try Self.id(context)
            guard let text = context.parameters.get("delivery"), let delivery = Int64(text), delivery > 0 else {
                throw JobsController.badRequest("the delivery id must be a positive whole number")
            }
            let principal = try input.requirePrincipal()
            let job = try await audited(input, context, "webhook.redelivered", target: id, details: ["delivery": text]) { connection in
                try await WebhookDeliveryLog(tenant: principal.tenant).redeliver(subscription: id, delivery: delivery, on: connection,
                                                                                logger: identity.database.logger)
            }
            struct Queued: Encodable { let stream: String; let version: Int; let outcome: String }
            return try JSONResponse.encode(Queued(stream: job.stream, version: job.version, outcome: "queued"), status: .accepted)
        }
    }

    func store(_ input: RouteInput) throws -> WebhookSubscriptionStore {
        WebhookSubscriptionStore(tenant: try input.requirePrincipal().tenant, keyRing: identity.keyRing,
                                 allowPrivateAddresses: settings.allowPrivateAddresses)
    }

    func read<Result: Sendable>(_ input: RouteInput, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let tenant = try input.requirePrincipal().tenant
        return try await Self.mapped { try await identity.database.withTenantTransaction(tenant, body) }
    }

    @discardableResult
    func audited<Result: Sendable>(
        _ input: RouteInput, _ context: TenantRequestContext, _ action: String, target: UUID?, details: [String: String] = [:],
        _ body: (PostgresConnection) async throws -> Result
    ) async throws -> Result {
        let principal = try input.requirePrincipal()
        let (kind, actor) = principal.auditActor
        let event = AuditEvent(actorKind: kind, actorID: actor, action: action,
                               target: target.map { "webhook:\($0.uuidString.lowercased())" },
                               clientAddress: context.clientAddress, details: details)
        return try await Self.mapped { try await identity.audited(principal.tenant, event) { connection, _ in try await body(connection) } }
    }

    static func mapped<Result>(_ body: () async throws -> Result) async throws -> Result {
        do {
            return try await body()
        } catch WebhookError.invalid(let reason) {
            throw JobsController.badRequest(reason)
        } catch WebhookError.notFound(let reason) {
            throw Problem(status: .notFound, type: "webhook-not-found", title: "Not found", detail: reason)
        }
    }

    static func id(_ context: TenantRequestContext) throws -> UUID {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else {
            throw JobsController.badRequest("the subscription id must be a UUID")
        }
        return id
    }

    static func decode<T: Decodable>(_ type: T.Type, _ input: RouteInput) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(buffer: input.body))
        } catch {
            throw JobsController.badRequest("the body must be a JSON object with the documented fields")
        }
    }
}
