import Foundation

/// Reads Instagram Messaging webhooks (`object: instagram`, `entry[].messaging[]`): messages (and echoes of the
/// business's own), postbacks, reactions and read receipts. Events and keys it does not know are ignored. A deleted
/// message (`is_deleted`) is a ``MessageContentType/system`` message with ``InboundMessage/isDeletion`` naming the
/// deleted `mid`; a reaction, which has no id of its own, gets `react:`/`unreact:<sender>:<mid>:<timestamp>`.
///
/// An event's ``InboundMessage/content`` is the whole `messaging[]` element (sender, recipient, timestamp and the
/// event), serialised as JSON.
public enum InstagramWebhookParser {
    /// The `object` of Instagram webhooks.
    public static let object = "instagram"

    /// Everything `body` reports; throws when it is not JSON, not an Instagram webhook, or an event lacks its
    /// sender, recipient or timestamp.
    public static func parse(_ body: [UInt8]) throws(ChannelPayloadError) -> ChannelWebhookBatch {
        let root = try MetaJSON.envelope(body, expected: object)
        var batch = ChannelWebhookBatch()
        for entry in root.objects("entry") {
            // Events come in `messaging[]`; the dashboard's test sends and some subscriptions wrap one event in a
            // `changes[]` element with `field: messages` instead.
            let wrapped = entry.objects("changes").filter { $0.string("field") == "messages" }.compactMap { $0.object("value") }
            for event in entry.objects("messaging") + wrapped {
                guard let senderID = event.object("sender")?.nonEmptyString("id") else {
                    throw .missingField("entry[].messaging[].sender.id")
                }
                guard let recipientID = event.object("recipient")?.nonEmptyString("id") else {
                    throw .missingField("entry[].messaging[].recipient.id")
                }
                guard let milliseconds = event.double("timestamp") else { throw .missingField("entry[].messaging[].timestamp") }
                let context = Event(raw: event, senderID: senderID, recipientID: recipientID,
                                    timestamp: Date(timeIntervalSince1970: milliseconds / 1000))
                if let read = event.object("read") {
                    if let mid = read.nonEmptyString("mid") {
                        batch.statuses.append(StatusUpdate(channel: .instagram, accountID: recipientID, providerMessageID: mid,
                                                           status: .read, timestamp: context.timestamp, recipient: senderID))
                    }
                } else if let message = context.inboundMessage() {
                    batch.messages.append(message)
                }
            }
        }
        return batch
    }
}
