import Foundation

/// One HTTP attempt in a subscription's delivery log.
public struct WebhookDelivery: Sendable, Equatable, Codable {
    /// Its id (the log's position).
    public var id: Int64
    /// The event's stream.
    public var stream: String
    /// The event's version.
    public var version: Int
    /// The event type.
    public var eventType: String
    /// The `webhook-id` sent.
    public var webhookID: String
    /// The message's attempt number.
    public var attempt: Int
    /// Whether an admin asked for it.
    public var manual: Bool
    /// The URL called.
    public var url: String
    /// The body sent.
    public var requestBody: String
    /// The `webhook-timestamp` sent.
    public var requestTimestamp: Int64
    /// The response status, if a response came.
    public var responseStatus: Int?
    /// Milliseconds until the response or the failure.
    public var durationMilliseconds: Int
    /// Why it failed without a response.
    public var error: String?
    /// Whether the receiver answered 2xx.
    public var succeeded: Bool
    /// When it was attempted.
    public var createdAt: Date

    enum CodingKeys: String, CodingKey {
        case id, stream, version, attempt, manual, url, error, succeeded
        case eventType = "event_type"
        case webhookID = "webhook_id"
        case requestBody = "request_body"
        case requestTimestamp = "request_timestamp"
        case responseStatus = "response_status"
        case durationMilliseconds = "duration_ms"
        case createdAt = "created_at"
    }
}
