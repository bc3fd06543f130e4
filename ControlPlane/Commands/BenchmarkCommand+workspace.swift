import ArgumentParser
import Foundation
import GlavitoCore
import Logging

extension BenchmarkCommand {
    /// `glavito benchmark workspace-seed`: fills the benchmark tenant with `tickets` tickets (from `contacts`
    /// contacts, one message each, mixed statuses, spread over the last months) and connects a WhatsApp channel,
    /// then prints what bench/workspace_load.py needs as JSON: the channel id, its phone number id and app secret.
    struct WorkspaceSeed: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "workspace-seed",
                                                        abstract: "Seed the benchmark tenant with tickets for the workspace benchmark.")
        @Option(help: "Tickets to create.") var tickets = 100_000
        @Option(help: "Contacts they belong to.") var contacts = 20_000

        func run() async throws {
            let (config, logger, keyRing, tenant) = try await BenchmarkCommand.channelSetup()
            let phoneNumberID = "BENCHWS\(UInt32.random(in: 100_000...999_999))"
            let appSecret = SecureRandom.bytes(16).map { String(format: "%02x", $0) }.joined()
            let (tickets, contacts) = (tickets, max(1, contacts))
            let account = try await Database.withRunning(url: config.database, logger: logger) { app in
                try await app.withTenantTransaction(tenant) { connection in
                    try await connection.checkedQuery("""
                        INSERT INTO contacts (tenant_id, display_name, created_at, updated_at)
                        SELECT glavito_current_tenant(), 'Customer ' || g, now() - g * interval '5 minutes', now() - g * interval '5 minutes'
                        FROM generate_series(1, \(contacts)) g
                        """, logger: logger)
                    try await connection.checkedQuery("""
                        WITH cs AS (SELECT id, (row_number() OVER (ORDER BY id)) - 1 AS n FROM contacts WHERE tenant_id = glavito_current_tenant())
                        INSERT INTO tickets (tenant_id, contact_id, subject, status, priority, channel, last_channel, last_message_at,
                                             last_inbound_at, created_at, updated_at)
                        SELECT glavito_current_tenant(), cs.id, 'Question about order ' || g, (ARRAY['open','pending','resolved','closed'])[1 + g % 4],
                               (ARRAY['urgent','high','normal','low'])[1 + g % 4], 'whatsapp', 'whatsapp',
                               now() - g * interval '1 minute', now() - g * interval '1 minute', now() - g * interval '1 minute',
                               now() - g * interval '1 minute'
                        FROM generate_series(1, \(tickets)) g JOIN cs ON cs.n = g % (SELECT count(*) FROM cs)
                        """, logger: logger)
                    try await connection.checkedQuery("""
                        INSERT INTO messages (tenant_id, ticket_id, contact_id, channel, direction, author_kind, type, text, sent_at, created_at)
                        SELECT tenant_id, id, contact_id, 'whatsapp', 'inbound', 'contact', 'text', 'Hello, where is my order? ' || subject,
                               last_message_at, last_message_at
                        FROM tickets WHERE tenant_id = glavito_current_tenant()
                        """, logger: logger)
                    return try await ChannelAccountStore(tenant: tenant, keyRing: keyRing).create(
                        kind: .whatsapp, name: "Bench \(phoneNumberID)", externalID: phoneNumberID, settings: ["api_base_url": "http://127.0.0.1:9/v21.0"],
                        secrets: ChannelSecrets(accessToken: "bench", appSecret: appSecret, verifyToken: "bench"), on: connection, logger: logger)
                }
            }
            let output: [String: String] = ["channel_id": account.id.uuidString.lowercased(), "phone_number_id": phoneNumberID, "app_secret": appSecret,
                                            "tenant_slug": "bench-events"]
            print(String(decoding: try JSONSerialization.data(withJSONObject: output, options: [.sortedKeys]), as: UTF8.self))
        }
    }
}
