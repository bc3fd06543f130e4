extension WhatsAppWebhookParser {
    /// One `statuses[]` element, or `nil` for a status we do not track (for example `deleted` or `warning`).
    static func statusUpdate(_ status: JSONObject, accountID: String) throws(ChannelPayloadError) -> StatusUpdate? {
        guard let id = status.nonEmptyString("id") else { throw .missingField("statuses[].id") }
        guard let name = status.string("status"), let delivery = DeliveryStatus(rawValue: name), delivery != .queued else {
            return nil
        }
        guard let timestamp = date(status, "timestamp") else { throw .missingField("statuses[].timestamp") }
        let problem = status.objects("errors").first.map(problem)
        return StatusUpdate(channel: .whatsapp, accountID: accountID, providerMessageID: id, status: delivery,
                            timestamp: timestamp,
                            recipient: status.nonEmptyString("recipient_id") ?? status.nonEmptyString("recipient_user_id"),
                            errorCode: problem?.code, errorTitle: problem?.title, errorDetail: problem?.detail,
                            callbackData: status.string("biz_opaque_callback_data"))
    }
}
