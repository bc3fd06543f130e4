import Foundation
import Logging
import PostgresNIO

/// The automatic confirmation a new email ticket gets when its channel has `auto_acknowledge` on. It is sent with
/// `Auto-Submitted: auto-replied`, so well-behaved auto-responders do not answer it; and it is never sent for mail
/// that was itself automatic, our own, or from a sender over the limit (see ``EmailIngestor``).
struct EmailAcknowledgement: Sendable {
    let tenant: TenantID
    let keyRing: TenantKeyRing

    static let text = """
        Thank you for your message. We have opened a ticket and will answer as soon as we can.

        To add anything, just reply to this email.
        """

    func queue(ticket: UUID, account: UUID, on connection: PostgresConnection, logger: Logger) async throws {
        var request = OutboundRequest(type: "text", text: Self.text, channelAccountID: account)
        request.automatic = true
        _ = try await OutboundComposer(tenant: tenant, keyRing: keyRing)
            .send(request, ticket: ticket, author: nil,
                  on: connection, logger: logger)
    }
}
