import Foundation

/// Reads WhatsApp Cloud API webhooks (`object: whatsapp_business_account`): inbound messages, statuses of our
/// outbound messages and account-level errors from every `entry[].changes[]` with `field: messages`. Other fields
/// and keys it does not know are ignored.
public enum WhatsAppWebhookParser {
    /// The `object` of WhatsApp Business Account webhooks.
    public static let object = "whatsapp_business_account"

    /// Everything `body` reports; throws when it is not JSON, not a WhatsApp Business Account webhook, or a change
    /// lacks `metadata.phone_number_id` or a message or status lacks its id or timestamp.
    public static func parse(_ body: [UInt8]) throws(ChannelPayloadError) -> ChannelWebhookBatch {
        let root = try MetaJSON.envelope(body, expected: object)
        // Each message is kept as received: its bytes in the body (re-serialising the parsed object is the fallback).
        let raw = JSONSpans.find([.key("entry"), .element, .key("changes"), .element, .key("value"), .key("messages"), .element], in: body)
        var batch = ChannelWebhookBatch()
        for (entryIndex, entry) in root.indexedObjects("entry") {
            for (changeIndex, change) in entry.indexedObjects("changes") where change.string("field") == "messages" {
                guard let value = change.object("value") else { continue }
                guard let accountID = value.object("metadata")?.nonEmptyString("phone_number_id") else {
                    throw .missingField("entry[].changes[].value.metadata.phone_number_id")
                }
                let contacts = value.objects("contacts")
                for (messageIndex, message) in value.indexedObjects("messages") {
                    let content = raw?[[entryIndex, changeIndex, messageIndex]].map { String(decoding: body[$0], as: UTF8.self) }
                    batch.messages.append(try inboundMessage(message, accountID: accountID, contacts: contacts, content: content))
                }
                for status in value.objects("statuses") {
                    if let update = try statusUpdate(status, accountID: accountID) { batch.statuses.append(update) }
                }
                batch.errors += value.objects("errors").map { error in
                    let problem = problem(error)
                    return ChannelWebhookError(channel: .whatsapp, accountID: accountID, code: problem.code,
                                               title: problem.title, detail: problem.detail)
                }
            }
        }
        return batch
    }

    /// One `messages[]` element; the sender's profile comes from the matching `contacts[]` element. `content` is the
    /// element's text as received, if known (else the parsed object is serialised).
    static func inboundMessage(_ message: JSONObject, accountID: String, contacts: [JSONObject], content raw: String? = nil)
        throws(ChannelPayloadError) -> InboundMessage {
        guard let id = message.nonEmptyString("id") else { throw .missingField("messages[].id") }
        guard let sentAt = date(message, "timestamp") else { throw .missingField("messages[].timestamp") }
        let from = message.nonEmptyString("from")
        let contact = matchingContact(contacts, waID: from, userID: message.nonEmptyString("from_user_id"))
        let userID = message.nonEmptyString("from_user_id") ?? contact?.nonEmptyString("user_id")
        var sender: [IdentityClaim] = []
        if let from {
            sender += [IdentityClaim.normalised(kind: .whatsapp, value: from),
                       IdentityClaim.normalised(kind: .phone, value: from)].compactMap { $0 }
        }
        if let userID, let claim = IdentityClaim.normalised(kind: .whatsappUser, value: userID) { sender.append(claim) }
        let body = content(of: message)
        return InboundMessage(channel: .whatsapp, accountID: accountID, providerMessageID: id, sender: sender,
                              profileName: contact?.object("profile")?.nonEmptyString("name"), sentAt: sentAt,
                              type: body.type, text: body.text, media: body.media,
                              replyToProviderMessageID: message.object("context")?.nonEmptyString("id"),
                              reaction: body.reaction, content: raw ?? MetaJSON.serialise(message))
    }

    /// The `contacts[]` element for the sender: by `wa_id`, else by `user_id`, else the only one.
    static func matchingContact(_ contacts: [JSONObject], waID: String?, userID: String?) -> JSONObject? {
        if let waID, let contact = contacts.first(where: { $0.string("wa_id") == waID }) { return contact }
        if let userID, let contact = contacts.first(where: { $0.string("user_id") == userID }) { return contact }
        return contacts.count == 1 ? contacts.first : nil
    }

    /// A unix-seconds timestamp (sent as text) at `key`.
    static func date(_ object: JSONObject, _ key: String) -> Date? {
        object.double(key).map { Date(timeIntervalSince1970: $0) }
    }

    /// The code, title and details of a WhatsApp error object (details from `error_data.details`, else `message`).
    static func problem(_ error: JSONObject) -> (code: Int?, title: String?, detail: String?) {
        (error.int("code"), error.nonEmptyString("title"),
         error.object("error_data")?.nonEmptyString("details") ?? error.nonEmptyString("message"))
    }
}
