import Foundation
import Logging
import PostgresNIO

/// A tenant's conversation settings, from `tenants.settings.conversations`: the reopen window and the priority a
/// new ticket gets from its channel (WhatsApp > Instagram > Email > Web by default).
public struct ConversationSettings: Sendable, Equatable, Codable {
    /// A customer writing within this many hours after a ticket was resolved reopens it; later messages open a new
    /// ticket. Closed tickets never reopen. 0 turns reopening off.
    public var reopenWindowHours: Double
    /// The starting priority of a ticket opened on each channel.
    public var channelPriority: [String: String]

    enum CodingKeys: String, CodingKey {
        case reopenWindowHours = "reopen_window_hours"
        case channelPriority = "channel_priority"
    }

    /// The defaults.
    public static let standard = ConversationSettings(
        reopenWindowHours: 168,
        channelPriority: ["whatsapp": "urgent", "instagram": "high", "email": "normal", "webchat": "low"])

    public init(reopenWindowHours: Double, channelPriority: [String: String]) {
        self.reopenWindowHours = reopenWindowHours
        self.channelPriority = channelPriority
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let standard = Self.standard
        reopenWindowHours = try container.decodeIfPresent(Double.self, forKey: .reopenWindowHours) ?? standard.reopenWindowHours
        let given = try container.decodeIfPresent([String: String].self, forKey: .channelPriority) ?? [:]
        channelPriority = standard.channelPriority.merging(given.filter { Ticket.priorities.contains($0.value) }) { $1 }
    }

    /// The priority of a new ticket on `channel`.
    public func priority(for channel: ChannelKind) -> String { channelPriority[channel.rawValue] ?? "normal" }

    /// The tenant's settings (defaults for what is not set). `connection` must be bound to the tenant.
    public static func load(on connection: PostgresConnection, logger: Logger) async throws -> ConversationSettings {
        for row in try await connection.run(LoadStatement.self, PostgresBindings(), logger: logger) {
            return decoded(try row.decode(String?.self))
        }
        return .standard
    }

    /// The settings in `text`, ``LoadStatement``'s result (defaults for what is not set or not readable).
    static func decoded(_ text: String?) -> ConversationSettings {
        text.flatMap { try? JSONCoding.decode(ConversationSettings.self, from: $0) } ?? .standard
    }

    /// ``load(on:logger:)``'s statement, prepared once per connection: every inbound group runs it.
    enum LoadStatement: PreparedSQL {
        static let name = "glavito_conversation_settings_v1"
        static let sql = "SELECT coalesce(settings -> 'conversations', '{}'::jsonb)::text FROM tenants WHERE id = glavito_current_tenant()"
    }
}
