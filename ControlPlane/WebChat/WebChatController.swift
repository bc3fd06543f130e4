import Foundation
import GlavitoCore
import HTTPTypes
import Hummingbird
import HummingbirdWebSocket

/// The web chat channel (docs/webchat.md): `GET /widget/<channelId>.js` serves the embeddable widget, the visitor
/// WebSocket is `/webchat/<channelId>` (tenant by host; no sign-in, only the visitor token), and agents signal
/// typing with `POST /api/v1/tickets/{id}/typing`.
struct WebChatController {
    let identity: IdentityService
    let cache = ChannelAccountCache()

    static let socketPath = "/webchat/:channel"
    static let widgetPath = "/widget/:script"
    static let typingPath = "/api/v1/tickets/:id/typing"

    /// The widget script, the socket path for requests that did not upgrade (answered with the reason), and the
    /// agents' typing signal.
    func addRoutes(to group: RouterGroup<TenantRequestContext>, secured: SecuredRoutes, catalog: RouteAccessCatalog, api: ConversationAPI) {
        catalog.declare(.public, .get, RouterPath(Self.widgetPath).description)
        catalog.declare(.public, .get, RouterPath(Self.socketPath).description)
        group.get(RouterPath(Self.widgetPath)) { _, context in
            let name = context.parameters.get("script") ?? ""
            guard name.hasSuffix(".js"), let account = try await account(String(name.dropLast(3)), tenant: context.tenant.id) else {
                throw Self.unknownChannel
            }
            guard let tenant = try await TenantRepository(database: identity.database, tenant: context.tenant.id).load() else {
                throw Self.unknownChannel
            }
            return Response(status: .ok, headers: [.contentType: "text/javascript; charset=utf-8", .cacheControl: "public, max-age=300"],
                            body: .init(byteBuffer: ByteBuffer(string: WebChatWidget.script(account: account, branding: tenant.branding))))
        }
        group.get(RouterPath(Self.socketPath)) { request, context -> Response in
            guard let account = try await account(context.parameters.get("channel"), tenant: context.tenant.id) else { throw Self.unknownChannel }
            guard Self.originAllowed(request, account: account) else { throw Self.crossSite }
            throw Problem(status: .upgradeRequired, type: "websocket-required", title: "WebSocket upgrade required",
                          detail: "Open this address as a WebSocket (the widget does).")
        }
        secured.post(Self.typingPath, .permission(.ticketsReply)) { request, context, input in
            let id = try ConversationAPI.uuid(context)
            try await api.transaction(input) { connection, principal in
                let ticket = try await TicketStore(tenant: principal.tenant).get(id, on: connection, logger: api.logger)
                try ConversationAPI.checkScope(ticket, principal)
                try await ConversationEvents(tenant: principal.tenant, actor: ConversationAPI.actor(principal),
                                             requestID: request.headers[HTTPField.Name("X-Request-Id")!])
                    .ticket("agent.typing", ticket, [:], on: connection, logger: api.logger)
            }
            return Response(status: .noContent)
        }
    }

    /// The visitor socket on the WebSocket router: upgrades for an enabled web chat channel of the host's active
    /// tenant whose `Origin` (if any) is allowed.
    func addWebSocketRoute(to router: Router<GlavitoRequestContext>, hub: LiveEventHub, storage: any AttachmentStorage) {
        let messages = RateLimiter(limit: 20)
        let typing = RateLimiter(limit: 1, window: .seconds(3))
        router.ws(RouterPath(Self.socketPath), shouldUpgrade: { request, context in
            guard let tenant = context.tenant, tenant.status == .active,
                  let account = try? await account(context.parameters.get("channel"), tenant: tenant.id),
                  Self.originAllowed(request, account: account) else { return .dontUpgrade }
            return .upgrade([:])
        }, onUpgrade: { inbound, outbound, context in
            let request = context.requestContext
            guard let tenant = request.tenant, let account = try await account(request.parameters.get("channel"), tenant: tenant.id) else {
                return
            }
            let session = WebChatSession(tenant: tenant.id, account: account, database: identity.database, keyRing: identity.keyRing, hub: hub,
                                         messages: messages, typing: typing, storage: storage,
                                         links: WebChatLinks(masterKey: try identity.config.requireMasterKey(), tenant: tenant.id), logger: request.logger)
            try await session.run(inbound: inbound, outbound: outbound)
        })
    }

    /// The enabled web chat channel `text` names in `tenant`, or `nil`.
    func account(_ text: String?, tenant: TenantID) async throws -> ChannelAccount? {
        guard let text, let channel = UUID(uuidString: text) else { return nil }
        let database = identity.database
        guard let found = try await ChannelAccountStore.resolve(channel, database: database), found.tenant == tenant, found.kind == .webchat,
              found.enabled else { return nil }
        return try await cache.entry(channel) {
            try await database.withTenantTransaction(tenant) { connection in
                let store = ChannelAccountStore(tenant: tenant, keyRing: identity.keyRing)
                return ChannelAccountCache.Entry(tenant: tenant, account: try await store.get(channel, on: connection, logger: database.logger),
                                                 secrets: ChannelSecrets(), loadedAt: .now)
            }
        }.account
    }

    /// Whether `request` has no `Origin` (not a browser), the tenant's own host, or one of the channel's
    /// `allowed_origins` (comma- or space-separated, like `https://www.example.com`).
    static func originAllowed(_ request: Request, account: ChannelAccount) -> Bool {
        guard let origin = request.headers[.origin]?.lowercased() else { return true }
        if LiveController.originAllowed(request) { return true }
        let allowed = (account.settings["allowed_origins"] ?? "").lowercased()
            .split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" })
            .map { $0.hasSuffix("/") ? String($0.dropLast()) : String($0) }
        return allowed.contains(origin)
    }

    static let unknownChannel = Problem(status: .notFound, type: "channel-not-found", title: "Not found",
                                        detail: "no enabled web chat channel of this workspace has this id")

    static let crossSite = Problem(status: .forbidden, type: "cross-site-origin", title: "Origin not allowed",
                                   detail: "This chat accepts connections only from the workspace's own pages and the channel's allowed_origins.")
}
