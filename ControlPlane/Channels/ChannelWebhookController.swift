import Foundation
import GlavitoCore
import HTTPTypes
import Hummingbird
import Logging
import PostgresNIO

/// Meta's webhooks for WhatsApp (`/webhooks/whatsapp/{channelId}`) and Instagram (`/webhooks/instagram/{channelId}`).
///
/// The channel id alone names the channel and so its tenant: everything the webhook causes is written in that
/// tenant's transaction, whatever the body claims. `GET` answers Meta's verification handshake. `POST` checks
/// `X-Hub-Signature-256` over the raw bytes with the channel's app secret before parsing anything (401 and nothing
/// stored when it does not match), and answers 200 only after the messages are committed, so Meta retries
/// anything we did not keep. A signed body we cannot parse is kept in `channel_webhook_rejects`, never dropped.
struct ChannelWebhookController {
    let identity: IdentityService
    let cache = ChannelAccountCache()
    let queue: ChannelIngestQueue

    init(identity: IdentityService, ingestTransactions: Int) {
        self.identity = identity
        queue = ChannelIngestQueue(database: identity.database, keyRing: identity.keyRing, concurrency: ingestTransactions)
    }
    /// Meta's bodies are small; this bounds a hostile one.
    static let maximumBodyBytes = 1024 * 1024

    func addRoutes(to router: Router<GlavitoRequestContext>, catalog: RouteAccessCatalog) {
        for kind in [ChannelKind.whatsapp, .instagram] {
            let path = "/webhooks/\(kind.rawValue)/:channel"
            catalog.declare(.public, .get, RouterPath(path).description)
            catalog.declare(.public, .post, RouterPath(path).description)
            router.get(RouterPath(path)) { request, context in try await verify(request, context, kind: kind) }
            router.post(RouterPath(path)) { request, context in try await receive(request, context, kind: kind) }
        }
    }

    func account(_ context: GlavitoRequestContext, kind: ChannelKind, fresh: Bool = false) async throws -> ChannelAccountCache.Entry {
        guard let text = context.parameters.get("channel"), let channel = UUID(uuidString: text) else {
            throw Self.unknownChannel
        }
        let database = identity.database
        if !fresh, let cached = cache.cached(channel) {
            guard cached.account.kind == kind else { throw Self.unknownChannel }
            return cached
        }
        guard let found = try await ChannelAccountStore.resolve(channel, database: database), found.kind == kind, found.enabled else {
            throw Self.unknownChannel
        }
        return try await cache.entry(channel, fresh: true) {
            try await database.withTenantTransaction(found.tenant) { connection in
                let store = ChannelAccountStore(tenant: found.tenant, keyRing: identity.keyRing)
                return ChannelAccountCache.Entry(tenant: found.tenant, account: try await store.get(channel, on: connection, logger: database.logger),
                                                 secrets: try await store.secrets(of: channel, on: connection, logger: database.logger),
                                                 loadedAt: .now)
            }
        }
    }

    static let unknownChannel = Problem(status: .notFound, type: "channel-not-found", title: "Not found",
                                        detail: "no enabled channel of this kind has this id")

    func verify(_ request: Request, _ context: GlavitoRequestContext, kind: ChannelKind) async throws -> Response {
        let entry = try await account(context, kind: kind)
        let query = request.uri.queryParameters
        guard query.get("hub.mode") == "subscribe", let challenge = query.get("hub.challenge"),
              let token = query.get("hub.verify_token"), let expected = entry.secrets.verifyToken,
              ConstantTime.equal(Array(token.utf8), Array(expected.utf8)) else {
            throw Problem(status: .forbidden, type: "verification-failed", title: "Forbidden",
                          detail: "hub.mode must be subscribe and hub.verify_token must match the channel's verify token")
        }
        return Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: challenge)))
    }

    func receive(_ request: Request, _ context: GlavitoRequestContext, kind: ChannelKind) async throws -> Response {
        var request = request
        let body = try await request.collectBody(upTo: Self.maximumBodyBytes)
        let bytes = Array(buffer: body)
        let header = request.headers[HTTPField.Name("X-Hub-Signature-256")!]
        var entry = try await account(context, kind: kind)
        if !MetaSignature.verify(header: header, body: bytes, appSecret: entry.secrets.appSecret ?? "") {
            // The app secret may have just been rotated: check once more against a fresh read.
            entry = try await account(context, kind: kind, fresh: true)
            guard MetaSignature.verify(header: header, body: bytes, appSecret: entry.secrets.appSecret ?? "") else {
                context.logger.warning("webhook signature mismatch", metadata: ["glavito.channel": .string(entry.account.id.uuidString)])
                throw Problem(status: .unauthorized, type: "bad-signature", title: "Unauthorized",
                              detail: "X-Hub-Signature-256 is missing or does not match the body and the channel's app secret")
            }
        }
        let database = identity.database
        let tenant = entry.tenant
        let account = entry.account
        let batch: ChannelWebhookBatch
        do {
            batch = kind == .whatsapp ? try WhatsAppWebhookParser.parse(bytes) : try InstagramWebhookParser.parse(bytes)
        } catch {
            _ = try await database.withTenantTransaction(tenant) { connection in
                try await connection.checkedQuery("""
                    INSERT INTO channel_webhook_rejects (tenant_id, channel_account_id, body, error)
                    VALUES (\(tenant.rawValue), \(account.id), \(PostgresByteArray(bytes)), \(String(describing: error)))
                    """, logger: database.logger)
            }
            context.logger.error("signed webhook could not be parsed; kept in channel_webhook_rejects",
                                 metadata: ["glavito.error": .string(String(describing: error))])
            return try JSONResponse.encode(["kept_for_review": true])
        }
        // Only what concerns this channel's own account: a body signed for one account cannot write as another.
        let ours = ChannelWebhookBatch(messages: batch.messages.filter { $0.accountID == account.externalID },
                                       statuses: batch.statuses.filter { $0.accountID == account.externalID })
        let outcome = try await queue.ingest(ours, account: account, tenant: tenant)
        struct Received: Encodable {
            let stored: Int
            let duplicates: Int
            let statuses: Int
            let ignored: Int
        }
        return try JSONResponse.encode(Received(stored: outcome.stored.count, duplicates: outcome.duplicates, statuses: outcome.statusesApplied,
                                                ignored: batch.messages.count + batch.statuses.count - ours.messages.count - ours.statuses.count
                                                    + outcome.statusesIgnored))
    }
}
