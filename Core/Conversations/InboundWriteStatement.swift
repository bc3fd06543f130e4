import Foundation
import Logging
import PostgresNIO

/// A group's new inbound messages, the customer-service windows they move and their tickets' activity, written in one
/// statement: ``MessageStore/InsertStatement``, ``ChannelWindowStatement`` and ``TicketStore/TouchStatement`` as
/// data-modifying `WITH` parts, their parameters numbered one after the other (the tenant, `$1`, shared). One round
/// trip instead of three; each part does exactly what its own statement does.
enum InboundWriteStatement: PreparedSQL {
    static let name = "glavito_inbound_write_v1"
    static let sql = """
        WITH inserted_messages AS (\(MessageStore.InsertStatement.sql)),
             moved_windows AS (\(SQLText.renumbered(ChannelWindowStatement.sql, from: 2, by: 1))),
             touched_tickets AS (\(SQLText.renumbered(TicketStore.TouchStatement.sql, from: 1, by: 6)))
        SELECT 1
        """

    /// Writes `messages` (there must be some), `windows` and `touches`.
    static func run(tenant: TenantID, messages: [MessageStore.New], windows: ChannelWindows, touches: [TicketStore.Touch],
                    on connection: PostgresConnection, logger: Logger) async throws {
        var bindings = PostgresBindings(capacity: 13)
        bindings.append(tenant.rawValue)
        MessageStore.appendInsertBindings(messages, to: &bindings)
        windows.appendBindings(to: &bindings)
        TicketStore.appendTouchBindings(touches, to: &bindings)
        _ = try await connection.run(Self.self, bindings, logger: logger)
    }
}
