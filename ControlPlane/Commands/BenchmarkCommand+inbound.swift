import ArgumentParser
import AsyncHTTPClient
import Foundation
import GlavitoCore
import Logging
import NIOCore

extension BenchmarkCommand {
    /// `glavito benchmark whatsapp-inbound`: posts signed WhatsApp webhooks (one text message each, from a pool of
    /// customers) to a running control plane as fast as `concurrency` connections allow, and prints the rate of
    /// committed messages and the latency percentiles of webhook receipt to commit (the 200 is sent only after the
    /// commit, so the message is visible through the API when it arrives; a sample is checked in the database).
    struct WhatsAppInbound: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "whatsapp-inbound",
                                                        abstract: "Post signed WhatsApp webhooks to a running control plane and print the rate.")
        @Option(help: "The control plane's base URL.") var url = "http://127.0.0.1:8080"
        @Option(help: "Messages to post.") var messages = 10_000
        @Option(help: "Concurrent connections.") var concurrency = 16
        @Option(help: "Distinct customers the messages come from.") var customers = 2_000

        func validate() throws {
            try BenchmarkCommand.validateLoad(messages: messages, concurrency: concurrency, customers: customers)
        }

        func run() async throws {
            let (config, logger, keyRing, tenant) = try await BenchmarkCommand.channelSetup()
            let phoneNumberID = "BENCH\(UInt32.random(in: 100_000...999_999))"
            let appSecret = SecureRandom.bytes(16).map { String(format: "%02x", $0) }.joined()
            let account = try await Database.withRunning(url: config.database, logger: logger) { app in
                try await app.withTenantTransaction(tenant) { connection in
                    try await ChannelAccountStore(tenant: tenant, keyRing: keyRing).create(
                        kind: .whatsapp, name: "Bench \(phoneNumberID)", externalID: phoneNumberID, settings: ["api_base_url": "http://127.0.0.1:9/v21.0"],
                        secrets: ChannelSecrets(accessToken: "bench", appSecret: appSecret, verifyToken: "bench"), on: connection, logger: logger)
                }
            }
            let endpoint = "\(url)/webhooks/whatsapp/\(account.id.uuidString.lowercased())"
            let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(
                connectionPool: .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: concurrency)))
            let (messages, concurrency, customers) = (messages, concurrency, customers)
            let started = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: ([Double], Int, [String]).self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var latencies: [Double] = []
                        var failures = 0
                        var sample: [String] = []
                        var index = lane
                        while index < messages {
                            let customer = 4_917_000_000_000 + (index % customers)
                            let id = "wamid.BENCH\(phoneNumberID)\(index)"
                            let body = Self.body(phoneNumberID: phoneNumberID, customer: customer, id: id, index: index)
                            var request = HTTPClientRequest(url: endpoint)
                            request.method = .POST
                            request.headers.add(name: "Content-Type", value: "application/json")
                            request.headers.add(name: "X-Hub-Signature-256", value: MetaSignature.sign(body: Array(body.utf8), appSecret: appSecret))
                            request.body = .bytes(ByteBuffer(string: body))
                            let sent = ContinuousClock.now
                            let response = try await client.execute(request, timeout: .seconds(30))
                            _ = try await response.body.collect(upTo: 1 << 16)
                            let (whole, fraction) = sent.duration(to: .now).components
                            latencies.append(Double(whole) * 1000 + Double(fraction) / 1e15)
                            if response.status.code != 200 { failures += 1 } else if index % 97 == 0 { sample.append(id) }
                            index += concurrency
                        }
                        return (latencies, failures, sample)
                    }
                }
                var all: ([Double], Int, [String]) = ([], 0, [])
                for try await part in group {
                    all.0 += part.0
                    all.1 += part.1
                    all.2 += part.2
                }
                return all
            }
            let (whole, fraction) = started.duration(to: .now).components
            let seconds = Double(whole) + Double(fraction) / 1e18
            try await client.shutdown()
            let (stored, visible) = try await Database.withRunning(url: config.database, logger: logger) { app in
                try await app.withTenantTransaction(tenant) { connection in
                    let rows = try await connection.checkedQuery("""
                        SELECT count(*)::int, count(*) FILTER (WHERE provider_message_id = ANY(\(results.2)))::int
                        FROM messages WHERE channel_account_id = \(account.id)
                        """, logger: logger)
                    for try await pair in rows.decode((Int, Int).self) { return pair }
                    return (0, 0)
                }
            }
            let sorted = results.0.sorted()
            let percentile = BenchmarkCommand.percentiles(results.0)
            print(String(format: "whatsapp-inbound: %d webhooks in %.2f s: %d messages/s committed (%d stored, %d failed), "
                         + "receipt-to-visible p50 %.1f ms p95 %.1f ms p99 %.1f ms max %.1f ms; %d/%d sampled ids found after their 200 "
                         + "(%d connections, %d customers)",
                         messages, seconds, Int(Double(stored) / seconds), stored, results.1, percentile(0.5), percentile(0.95), percentile(0.99),
                         sorted.last ?? 0, visible, results.2.count, concurrency, customers))
        }

        static func body(phoneNumberID: String, customer: Int, id: String, index: Int) -> String {
            """
            {"object":"whatsapp_business_account","entry":[{"id":"BENCHWABA","changes":[{"field":"messages","value":{\
            "messaging_product":"whatsapp","metadata":{"display_phone_number":"4930123456","phone_number_id":"\(phoneNumberID)"},\
            "contacts":[{"profile":{"name":"Customer \(customer)"},"wa_id":"\(customer)"}],\
            "messages":[{"from":"\(customer)","id":"\(id)","timestamp":"\(Int(Date().timeIntervalSince1970))","type":"text",\
            "text":{"body":"Hallo, das ist Nachricht \(index). Wo ist meine Bestellung?"}}]}}]}]}
            """
        }
    }
}
