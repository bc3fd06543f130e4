import Foundation
import Logging
import PostgresNIO

/// Per-ticket reply tokens: 8 characters of lower-case base32 (40 random bits), unique within the tenant.
public enum EmailTokens {
    static let length = 8
    static let alphabet = Set("abcdefghijklmnopqrstuvwxyz234567")
    static let symbols = Array("abcdefghijklmnopqrstuvwxyz234567")

    /// A new random token.
    public static func make() -> String {
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in symbols[Int(generator.next(upperBound: UInt32(symbols.count)))] })
    }

    /// The ticket's token, given one first if it has none (a collision among 2^40 tokens fails the transaction,
    /// which the caller retries like any other conflict).
    public static func ensure(ticket: UUID, on connection: PostgresConnection, logger: Logger) async throws -> String {
        let rows = try await connection.checkedQuery("""
            UPDATE tickets SET email_token = coalesce(email_token, \(make())) WHERE id = \(ticket) RETURNING email_token
            """, logger: logger)
        for try await token in rows.decode(String.self) { return token }
        throw ConversationError.notFound("no ticket \(ticket.uuidString.lowercased()) in this workspace")
    }
}
