import AsyncHTTPClient
import Foundation
import GlavitoCore
import NIOCore
import NIOPosix

/// Sends one signed webhook request: `POST` with the Standard Webhooks headers, no redirects followed, a time
/// limit, and (unless private addresses are allowed) a check of the addresses the host resolves to.
struct WebhookSender: Sendable {
    let client: HTTPClient
    let settings: WebhookSettings

    /// The client every sender of a process shares: redirects are refused (a 3xx is a failure), connects time out.
    static func makeClient() -> HTTPClient {
        HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
            redirectConfiguration: .disallow, timeout: .init(connect: .seconds(5)), decompression: .disabled
        ))
    }

    func send(_ request: WebhookDeliveryStore.Request, secret: WebhookSecret) async -> WebhookDeliveryStore.Outcome {
        let timestamp = Int64(Date().timeIntervalSince1970)
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let (seconds, attoseconds) = started.duration(to: .now).components
            return Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000)
        }
        do {
            if !settings.allowPrivateAddresses {
                let url = try WebhookURLPolicy.validate(request.url, allowPrivate: false)
                let host = url.host ?? ""
                try await NIOThreadPool.singleton.runIfActive { try WebhookURLPolicy.checkResolved(host: host) }
            }
            var http = HTTPClientRequest(url: request.url)
            http.method = .POST
            http.headers.add(name: "Content-Type", value: "application/json")
            http.headers.add(name: "User-Agent", value: "Glavito-Webhooks/1")
            http.headers.add(name: "webhook-id", value: request.webhookID)
            http.headers.add(name: "webhook-timestamp", value: String(timestamp))
            http.headers.add(name: "webhook-signature", value: WebhookSignature.sign(
                secret: secret, id: request.webhookID, timestamp: timestamp, body: request.body))
            http.body = .bytes(ByteBuffer(string: request.body))
            let response = try await client.execute(http, timeout: .seconds(Int64(settings.timeoutSeconds)))
            // Drain (and drop) what the receiver says, up to 64 KiB: only the status counts.
            _ = try? await response.body.collect(upTo: 64 * 1024)
            return .init(status: Int(response.status.code), durationMilliseconds: elapsed(), error: nil, timestamp: timestamp)
        } catch let refusal as WebhookURLPolicy.Refusal {
            return .init(status: nil, durationMilliseconds: elapsed(), error: refusal.description, timestamp: timestamp)
        } catch {
            return .init(status: nil, durationMilliseconds: elapsed(), error: String(String(describing: error).prefix(500)), timestamp: timestamp)
        }
    }
}
