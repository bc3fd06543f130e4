/// Outgoing webhook delivery, from `GLAVITO_WEBHOOKS_*` (documented in docs/configuration.md and docs/webhooks.md).
public struct WebhookSettings: Sendable, Equatable {
    /// Seconds to wait after each failed attempt; once used up the message fails
    /// (`GLAVITO_WEBHOOKS_RETRY_SCHEDULE`, default `5,300,1800,7200,18000,36000,36000`: about 24 hours in total).
    public var retrySchedule: [Int]
    /// Failed attempts in a row, across a subscription's messages, after which the subscription is disabled with an
    /// admin notice (`GLAVITO_WEBHOOKS_DISABLE_AFTER`, default `20`).
    public var disableAfterFailures: Int
    /// Seconds an HTTP attempt may take (`GLAVITO_WEBHOOKS_TIMEOUT_SECONDS`, default `10`).
    public var timeoutSeconds: Int
    /// Whether URLs may point at loopback, private, link-local or otherwise internal addresses
    /// (`GLAVITO_WEBHOOKS_ALLOW_PRIVATE`, default `off`; on for development and tests only).
    public var allowPrivateAddresses: Bool
    /// Whether this worker runs a member of the `webhooks` consumer group, turning events into deliveries
    /// (`GLAVITO_WEBHOOKS_DISPATCH`, default `on`; a few members suffice for a fleet).
    public var dispatch: Bool = true

    /// The defaults: Standard Webhooks' recommended schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h).
    public static let defaults = WebhookSettings(
        retrySchedule: [5, 300, 1800, 7200, 18000, 36000, 36000], disableAfterFailures: 20, timeoutSeconds: 10,
        allowPrivateAddresses: false
    )

    /// Creates settings.
    public init(retrySchedule: [Int], disableAfterFailures: Int, timeoutSeconds: Int, allowPrivateAddresses: Bool) {
        self.retrySchedule = retrySchedule
        self.disableAfterFailures = disableAfterFailures
        self.timeoutSeconds = timeoutSeconds
        self.allowPrivateAddresses = allowPrivateAddresses
    }

    /// Seconds to wait after failed attempt number `attempt` (from 1), or `nil` when no attempt is left.
    public func retryDelay(afterAttempt attempt: Int) -> Int? {
        attempt >= 1 && attempt <= retrySchedule.count ? retrySchedule[attempt - 1] : nil
    }

    static func load(from reader: EnvironmentReader) throws(ConfigError) -> WebhookSettings {
        let key = "GLAVITO_WEBHOOKS_RETRY_SCHEDULE"
        var schedule: [Int] = []
        for item in try reader.list(key, default: defaults.retrySchedule.map(String.init)) {
            guard let seconds = Int(item), (0...86_400).contains(seconds) else {
                throw ConfigError(key: key, problem: "must list seconds between 0 and 86400, got '\(item)'")
            }
            schedule.append(seconds)
        }
        var settings = WebhookSettings(
            retrySchedule: schedule,
            disableAfterFailures: try reader.int("GLAVITO_WEBHOOKS_DISABLE_AFTER", default: 20, range: 1...100_000),
            timeoutSeconds: try reader.int("GLAVITO_WEBHOOKS_TIMEOUT_SECONDS", default: 10, range: 1...300),
            allowPrivateAddresses: try reader.bool("GLAVITO_WEBHOOKS_ALLOW_PRIVATE", default: false)
        )
        settings.dispatch = try reader.bool("GLAVITO_WEBHOOKS_DISPATCH", default: true)
        return settings
    }
}
