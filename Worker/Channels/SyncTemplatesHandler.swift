import Foundation
import GlavitoCore

/// `maintenance.sync_templates`: reads a WhatsApp account's message templates from the Graph API
/// (`GET /{waba-id}/message_templates`, following `paging.cursors.after`) and replaces the stored list.
struct SyncTemplatesHandler: JobHandler {
    static let kind = TemplateSync.jobKind

    let graph: GraphAPIClient
    let keyRing: TenantKeyRing

    struct Payload: Decodable {
        let accountID: UUID
        enum CodingKeys: String, CodingKey { case accountID = "channel_account_id" }
    }

    func run(_ job: JobRecord, context: JobContext) async throws {
        let accountID = try job.decodePayload(as: Payload.self).accountID
        let store = ChannelAccountStore(tenant: job.tenant, keyRing: keyRing)
        let (account, secrets) = try await context.withTenantTransaction(job) { connection in
            (try await store.get(accountID, on: connection, logger: context.logger),
             try await store.secrets(of: accountID, on: connection, logger: context.logger))
        }
        guard let waba = account.settings["waba_id"] else { throw JobControl.cancel(reason: "the channel has no waba_id setting") }
        var templates: [TemplateSync.Remote] = []
        var after: String?
        repeat {
            var url = "\(account.graphBaseURL)/\(waba)/message_templates?limit=100"
            if let after { url += "&after=\(after.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? after)" }
            let answer = try await graph.send(.GET, url, token: secrets.accessToken)
            if let error = answer.error { throw error }
            for item in answer.json["data"] as? [[String: Any]] ?? [] {
                guard let name = item["name"] as? String, let language = item["language"] as? String else { continue }
                let components = (try? JSONSerialization.data(withJSONObject: item["components"] ?? [])).map { String(decoding: $0, as: UTF8.self) } ?? "[]"
                templates.append(TemplateSync.Remote(name: name, language: language, status: item["status"] as? String ?? "UNKNOWN",
                                                     category: item["category"] as? String ?? "", components: components))
            }
            let paging = answer.json["paging"] as? [String: Any]
            after = paging?["next"] != nil ? (paging?["cursors"] as? [String: Any])?["after"] as? String : nil
        } while after != nil && templates.count < 10_000
        try await context.withTenantTransaction(job) { connection in
            try await TemplateSync.store(templates, account: accountID, tenant: job.tenant, on: connection, logger: context.logger)
        }
        context.logger.info("templates synced", metadata: ["glavito.count": "\(templates.count)"])
    }
}
