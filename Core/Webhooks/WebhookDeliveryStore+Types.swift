import Foundation

extension WebhookDeliveryStore {
    /// A request ready to send (without the secret, which ``prepare(_:secrets:on:logger:)`` returns alongside).
    public struct Request: Sendable, Equatable {
        /// The subscription's URL.
        public var url: String
        /// `webhook-id`: the event's place in the log, stable across retries and redeliveries.
        public var webhookID: String
        /// The JSON body: `{"type":…,"timestamp":…,"data":…}`.
        public var body: String
        /// The event type.
        public var eventType: String
        /// This attempt's number for the message, from 1.
        public var attempt: Int

        /// Creates a request.
        public init(url: String, webhookID: String, body: String, eventType: String, attempt: Int) {
            self.url = url
            self.webhookID = webhookID
            self.body = body
            self.eventType = eventType
            self.attempt = attempt
        }
    }

    /// What a job should do now.
    public enum Preparation: Sendable, Equatable {
        /// Nothing to send (delivered already, failed, subscription disabled or deleted): the job ends.
        case skip(String)
        /// Come back later: an earlier version is pending, or the retry time has not come.
        case wait(Duration)
        /// Send this request, signed with this secret.
        case send(Request, WebhookSecret)
    }

    /// What an HTTP attempt gave.
    public struct Outcome: Sendable, Equatable {
        /// The response status, if a response came.
        public var status: Int?
        /// Milliseconds from sending to the response (or the failure).
        public var durationMilliseconds: Int
        /// Why it failed without a response (timeout, refused connection, refused URL).
        public var error: String?
        /// The `webhook-timestamp` sent.
        public var timestamp: Int64

        /// Creates an outcome.
        public init(status: Int?, durationMilliseconds: Int, error: String?, timestamp: Int64) {
            self.status = status
            self.durationMilliseconds = durationMilliseconds
            self.error = error
            self.timestamp = timestamp
        }

        /// A 2xx response.
        public var succeeded: Bool { status.map { (200..<300).contains($0) } ?? false }
    }

    /// What became of the message after an attempt.
    public enum Settlement: Sendable, Equatable {
        /// Delivered.
        case delivered
        /// Failed; try again after this many seconds.
        case retry(seconds: Int)
        /// Failed for good (schedule used up, or a manual redelivery failed).
        case failed
        /// Failed, and the subscription was disabled by this failure.
        case disabledSubscription
    }
}
