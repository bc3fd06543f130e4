import Foundation
import Logging
import PostgresNIO

extension TicketStore {
    /// A new message on a ticket, as ``touch(_:on:logger:)`` records it.
    public struct Touch: Sendable {
        /// The ticket.
        public var ticket: UUID
        /// `inbound`, `outbound` or `note`.
        public var direction: String
        /// The message's channel.
        public var channel: ChannelKind
        /// The channel account, if any.
        public var account: UUID?
        /// When the message was sent.
        public var at: Date

        /// Creates a touch.
        public init(ticket: UUID, direction: String, channel: ChannelKind, account: UUID?, at: Date) {
            self.ticket = ticket
            self.direction = direction
            self.channel = channel
            self.account = account
            self.at = at
        }
    }

    /// Records new messages on their tickets, in one statement (``TouchStatement``).
    public func touch(_ touches: [Touch], on connection: PostgresConnection, logger: Logger) async throws {
        guard !touches.isEmpty else { return }
        var bindings = PostgresBindings(capacity: 7)
        Self.appendTouchBindings(touches, to: &bindings)
        _ = try await connection.run(TouchStatement.self, bindings, logger: logger)
    }

    /// ``TouchStatement``'s seven parameters for `touches`: one row per ticket, the touches' effects combined in order
    /// (no rows for no touches).
    static func appendTouchBindings(_ touches: [Touch], to bindings: inout PostgresBindings) {
        struct Effect {
            var at: Date
            var inbound: Touch?
            var inboundAt: Date?
            var outbound = false
        }
        var order: [UUID] = []
        var effects: [UUID: Effect] = [:]
        for touch in touches {
            var effect = effects[touch.ticket] ?? Effect(at: touch.at)
            if effects[touch.ticket] == nil { order.append(touch.ticket) }
            effect.at = max(effect.at, touch.at)
            if touch.direction == "inbound" {
                effect.inbound = touch
                effect.inboundAt = max(effect.inboundAt ?? touch.at, touch.at)
            }
            if touch.direction == "outbound" { effect.outbound = true }
            effects[touch.ticket] = effect
        }
        let list = order.compactMap { effects[$0] }
        bindings.append(order)
        bindings.append(list.map(\.at))
        bindings.append(list.map { $0.inbound != nil })
        bindings.append(list.map { $0.inboundAt ?? $0.at })
        bindings.append(list.map { $0.inbound?.channel.rawValue ?? "" })
        bindings.append(list.map { $0.inbound?.account?.uuidString ?? "" })
        bindings.append(list.map(\.outbound))
    }

    /// Records new messages on their tickets as touching for each in order would: the latest activity, the latest
    /// inbound time with the channel of the last inbound message, the first response for the first agent reply. One
    /// row per ticket (``appendTouchBindings(_:to:)``); a part of ``InboundWriteStatement``. The `= ANY` lets the
    /// planner find the tickets by their key even while statistics call the table small.
    enum TouchStatement: PreparedSQL {
        static let name = "glavito_ticket_touch_v3"
        static let sql = """
            UPDATE tickets SET
                last_message_at = greatest(tickets.last_message_at, t.at),
                last_inbound_at = CASE WHEN t.inbound THEN greatest(coalesce(tickets.last_inbound_at, t.inbound_at), t.inbound_at)
                                       ELSE tickets.last_inbound_at END,
                last_channel = CASE WHEN t.inbound THEN t.channel ELSE tickets.last_channel END,
                last_channel_account_id = CASE WHEN t.inbound THEN coalesce(nullif(t.account, '')::uuid, tickets.last_channel_account_id)
                                               ELSE tickets.last_channel_account_id END,
                first_response_at = CASE WHEN t.outbound THEN coalesce(tickets.first_response_at, now()) ELSE tickets.first_response_at END,
                updated_at = now()
            FROM unnest($1::uuid[], $2::timestamptz[], $3::bool[], $4::timestamptz[], $5::text[], $6::text[], $7::bool[])
                 AS t (id, at, inbound, inbound_at, channel, account, outbound)
            WHERE tickets.id = ANY($1::uuid[]) AND tickets.id = t.id
            """
    }
}
