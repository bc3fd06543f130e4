import Foundation
import Logging
import PostgresNIO

extension WebChatConversation {
    /// Stores a visitor's file (bytes in `storage`, content-addressed) as an image or document message with a
    /// stored attachment, through ``InboundIngestor`` like a text; a resend with the same `clientID` stores nothing.
    public func upload(_ file: WebChatUpload, caption: String?, clientID: String, storage: any AttachmentStorage,
                       on connection: PostgresConnection, logger: Logger) async throws -> Posted {
        let providerID = providerPrefix + clientID
        let messages = MessageStore(tenant: tenant)
        if let existing = try await messages.id(ofProvider: providerID, account: account.id, on: connection, logger: logger) {
            return Posted(messageID: existing, duplicate: true)
        }
        let key = try await storage.store(file.bytes, sha256: file.sha256, tenant: tenant)
        let message = InboundMessage(channel: .webchat, accountID: "", providerMessageID: providerID, sender: [claim], sentAt: Date(),
                                     type: file.kind, text: caption,
                                     content: try JSONCoding.encode(["client_id": clientID, "filename": file.filename]))
        let outcome = try await InboundIngestor(tenant: tenant, keyRing: keyRing)
            .ingest(ChannelWebhookBatch(messages: [message]), account: account, on: connection, logger: logger)
        guard let stored = outcome.stored.first else { throw ConversationError.conflict("the file message was not stored") }
        let attachment = UUID()
        try await connection.checkedQuery("""
            INSERT INTO attachments (tenant_id, id, message_id, kind, state, claimed_mime_type, mime_type, filename, size_bytes, sha256, storage_key)
            VALUES (\(tenant.rawValue), \(attachment), \(stored), \(file.kind.rawValue), 'stored', \(file.mimeType), \(file.mimeType), \(file.filename),
                    \(Int64(file.bytes.count)), \(file.sha256), \(key))
            """, logger: logger)
        try await AttachmentThumbnails(tenant: tenant).enqueue(attachment, mimeType: file.mimeType, on: connection, logger: logger)
        return Posted(messageID: stored, duplicate: false)
    }
}
