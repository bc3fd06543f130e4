import ArgumentParser
import Foundation
import GlavitoCore
import Logging

extension BenchmarkCommand {
    /// `glavito benchmark smtp-inbound`: delivers emails to a running control plane's SMTP listener over
    /// `concurrency` connections (one connection per message, as a relay without connection reuse would), each a
    /// new ticket from one of `customers` senders, and prints the rate of committed messages and the latency from
    /// connect to the 250 that follows the commit.
    struct SMTPInbound: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "smtp-inbound",
                                                        abstract: "Deliver emails to a running SMTP listener and print the rate.")
        @Option(help: "The listener's host.") var host = "127.0.0.1"
        @Option(help: "The listener's port.") var port = 2525
        @Option(help: "Messages to deliver.") var messages = 2_000
        @Option(help: "Concurrent connections.") var concurrency = 8
        @Option(help: "Distinct senders.") var customers = 500

        func validate() throws {
            try BenchmarkCommand.validateLoad(messages: messages, concurrency: concurrency, customers: customers)
        }

        func run() async throws {
            let (config, logger, keyRing, tenant) = try await BenchmarkCommand.channelSetup()
            let address = "bench\(UInt32.random(in: 100_000...999_999))@bench.mail.test"
            let account = try await Database.withRunning(url: config.database, logger: logger) { app in
                try await app.withTenantTransaction(tenant) { connection in
                    try await ChannelAccountStore(tenant: tenant, keyRing: keyRing).create(
                        kind: .email, name: "Bench mail", externalID: nil, settings: ["address": address], secrets: ChannelSecrets(),
                        on: connection, logger: logger)
                }
            }
            let relay = SMTPRelay(host: host, port: port, security: .none, heloName: "bench.example")
            let (messages, concurrency, customers) = (messages, concurrency, customers)
            let filler = String(repeating: "Die Bohnen kamen leider beschädigt an, bitte um Ersatz. ", count: 16)
            let started = ContinuousClock.now
            let results = try await withThrowingTaskGroup(of: ([Double], Int).self) { group in
                for lane in 0..<concurrency {
                    group.addTask {
                        var latencies: [Double] = []
                        var failures = 0
                        var index = lane
                        while index < messages {
                            let sender = "customer\(index % customers)@example.org"
                            let text = "From: Customer \(index % customers) <\(sender)>\r\nTo: \(address)\r\nSubject: Bestellung \(index)\r\n"
                                + "Message-ID: <bench-\(index)-\(address)>\r\nDate: \(MIMEWriter.rfc5322Date(Date()))\r\nMIME-Version: 1.0\r\n"
                                + "Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n\(filler)\r\n"
                            let sent = ContinuousClock.now
                            do {
                                _ = try await SMTPClient(relay: relay).send(Array(text.utf8), from: sender, to: [address])
                                let (whole, fraction) = sent.duration(to: .now).components
                                latencies.append(Double(whole) * 1000 + Double(fraction) / 1e15)
                            } catch {
                                failures += 1
                            }
                            index += concurrency
                        }
                        return (latencies, failures)
                    }
                }
                var all: ([Double], Int) = ([], 0)
                for try await part in group {
                    all.0 += part.0
                    all.1 += part.1
                }
                return all
            }
            let (whole, fraction) = started.duration(to: .now).components
            let seconds = Double(whole) + Double(fraction) / 1e18
            let stored = try await Database.withRunning(url: config.database, logger: logger) { app in
                try await app.withTenantTransaction(tenant) { connection in
                    let rows = try await connection.checkedQuery("SELECT count(*)::int FROM messages WHERE channel_account_id = \(account.id)", logger: logger)
                    for try await count in rows.decode(Int.self) { return count }
                    return 0
                }
            }
            let percentile = BenchmarkCommand.percentiles(results.0)
            print(String(format: "smtp-inbound: %d emails in %.2f s: %.0f messages/s committed (%d stored, %d failed), connect-to-250 "
                         + "p50 %.1f ms p95 %.1f ms p99 %.1f ms (%d connections, %d senders, %d bytes each)",
                         messages, seconds, Double(stored) / seconds, stored, results.1, percentile(0.5), percentile(0.95), percentile(0.99),
                         concurrency, customers, filler.utf8.count + 300))
        }
    }
}
