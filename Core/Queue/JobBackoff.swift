/// Exponential back-off with jitter between a failed attempt and the next.
///
/// The delay before attempt `n + 1` is `base * 2^(n-1)`, capped at `cap`, then scaled by a random factor in
/// `1 - jitter ... 1 + jitter` so that a burst of failures does not retry in lock-step.
public struct JobBackoff: Sendable, Equatable {
    /// The delay after the first failure.
    public var base: Duration
    /// The longest delay.
    public var cap: Duration
    /// The jitter fraction (0...1).
    public var jitter: Double

    /// Creates a policy; the default waits 2 s, 4 s, 8 s … up to one hour, ±25 %.
    public init(base: Duration = .seconds(2), cap: Duration = .seconds(3600), jitter: Double = 0.25) {
        self.base = base
        self.cap = cap
        self.jitter = min(max(jitter, 0), 1)
    }

    /// The delay, in seconds, after failed attempt number `attempt` (from 1), using `random` in 0...1 for jitter.
    public func delaySeconds(afterAttempt attempt: Int, random: Double = Double.random(in: 0...1)) -> Double {
        let baseSeconds = Self.seconds(base)
        let exponent = Double(min(max(attempt - 1, 0), 40))
        let raw = min(baseSeconds * pow2(exponent), Self.seconds(cap))
        let factor = 1 - jitter + 2 * jitter * min(max(random, 0), 1)
        return raw * factor
    }

    private func pow2(_ exponent: Double) -> Double {
        var result = 1.0
        for _ in 0..<Int(exponent) { result *= 2 }
        return result
    }

    static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
