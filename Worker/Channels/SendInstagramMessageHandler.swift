import Foundation
import GlavitoCore

/// `delivery.instagram_message`: sends one outbound message with the Instagram Send API (`POST /{ig-id}/messages`)
/// as plain text split on word boundaries into parts of at most 1,000 bytes. Within 24 hours of the customer's
/// last message it is a `RESPONSE`; up to 7 days it carries the `HUMAN_AGENT` tag. Each part sent is recorded, so a
/// re-run sends only the rest. Files follow the text, one message each (`message.attachment` with `type` image,
/// video, audio or file and `payload.url` a signed attachment URL that Meta fetches, see ``ChannelMediaLinks``);
/// they count as parts too.
struct SendInstagramMessageHandler: JobHandler {
    static let kind = OutboundComposer.jobKind(.instagram)

    let graph: GraphAPIClient
    let support: OutboundSendSupport
    let keyRing: TenantKeyRing
    /// Signs the URLs of files.
    let links: ChannelMediaLinks

    func run(_ job: JobRecord, context: JobContext) async throws {
        try await support.run(job, context: context) { prepared in
            let rendered = ChannelFormatter.render(prepared.text, for: .plain)
            let texts = rendered.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty && !prepared.files.isEmpty
                ? [] : ChannelFormatter.split(rendered, maxUTF8Bytes: ChannelFormatter.instagramTextLimitBytes)
            var parts: [[String: Any]] = texts.map { ["text": $0] }
            for file in prepared.files {
                let url = links.url(tenant: job.tenant, slug: prepared.tenantSlug, attachment: file.id)
                parts.append(["attachment": ["type": file.kind == "document" ? "file" : file.kind, "payload": ["url": url]]])
            }
            let delivery = OutboundDelivery(tenant: job.tenant, keyRing: keyRing)
            let withinDay = prepared.lastInboundAt.map { Date().timeIntervalSince($0) < ChannelWindow.length } ?? false
            var first: String?
            for (index, part) in parts.enumerated() where index >= prepared.partsSent {
                var body: [String: Any] = ["recipient": ["id": prepared.recipient.value], "message": part]
                if withinDay {
                    body["messaging_type"] = "RESPONSE"
                } else {
                    body["messaging_type"] = "MESSAGE_TAG"
                    body["tag"] = "HUMAN_AGENT"
                }
                let answer = try await graph.send(.POST, "\(prepared.account.graphBaseURL)/\(prepared.account.externalID ?? "me")/messages",
                                                  token: prepared.secrets.accessToken, json: body)
                if let error = answer.error { throw error }
                guard let id = answer.json["message_id"] as? String else {
                    throw GraphAPIClient.GraphError(status: answer.status, code: nil, subcode: nil, message: "the answer names no message id", details: "")
                }
                first = first ?? id
                try await context.withTenantTransaction(job) { connection in
                    try await delivery.recordPart(prepared.messageID, providerID: id, partsSent: index + 1, on: connection, logger: context.logger)
                }
            }
            return first ?? ""
        }
    }
}
