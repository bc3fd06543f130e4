import Foundation
import Logging
import PostgresNIO

/// Soft locks against password guessing, per account and per client address. After `maximumFailures` failures in
/// a window an account is locked for `lockSeconds`; the lock expires on its own, so the real user is never locked
/// out for good, while an attacker who keeps guessing is locked again at once. Addresses get four times the allowance
/// (offices share one address).
public struct LoginThrottle: Sendable {
    /// Failures per account before a lock.
    public let maximumFailures: Int
    /// Lock length in seconds.
    public let lockSeconds: Int
    /// Failures older than this are forgotten.
    public static let windowSeconds = 900

    /// Creates a throttle.
    public init(maximumFailures: Int, lockSeconds: Int) {
        self.maximumFailures = maximumFailures
        self.lockSeconds = lockSeconds
    }

    /// The throttle subjects of a login attempt: the account (by keyed hash of the email) and the address.
    public static func subjects(email: String, clientAddress: String?) -> [String] {
        var subjects = ["account:" + Hashing.hex(Hashing.sha256("glavito/login/" + email))]
        if let clientAddress { subjects.append("address:" + clientAddress) }
        return subjects
    }

    /// Seconds until the longest current lock of `subjects` ends, or `nil` when none is locked.
    public func lockedFor(tenant: TenantID, subjects: [String], on connection: PostgresConnection, logger: Logger) async throws -> Int? {
        let rows = try await connection.checkedQuery("""
            SELECT ceil(extract(epoch FROM max(locked_until) - now()))::integer
            FROM login_throttle
            WHERE tenant_id = \(tenant.rawValue) AND subject = ANY(\(subjects)) AND locked_until > now()
            """, logger: logger)
        for try await seconds in rows.decode(Int?.self) { return seconds.map { max(1, $0) } }
        return nil
    }

    /// Counts a failure against each subject, locking those over their allowance.
    public func recordFailure(tenant: TenantID, subjects: [String], on connection: PostgresConnection, logger: Logger) async throws {
        for subject in subjects {
            let allowance = subject.hasPrefix("address:") ? maximumFailures * 4 : maximumFailures
            try await connection.checkedQuery("""
                INSERT INTO login_throttle AS t (tenant_id, subject, failures, window_started, locked_until)
                VALUES (\(tenant.rawValue), \(subject), 1, now(),
                        CASE WHEN 1 >= \(allowance) THEN now() + make_interval(secs => \(Double(lockSeconds))) END)
                ON CONFLICT (tenant_id, subject) DO UPDATE
                SET failures = CASE WHEN t.window_started < now() - make_interval(secs => \(Double(Self.windowSeconds))) THEN 1 ELSE t.failures + 1 END,
                    window_started = CASE WHEN t.window_started < now() - make_interval(secs => \(Double(Self.windowSeconds))) THEN now() ELSE t.window_started END,
                    locked_until = CASE
                        WHEN t.window_started >= now() - make_interval(secs => \(Double(Self.windowSeconds))) AND t.failures + 1 >= \(allowance)
                        THEN now() + make_interval(secs => \(Double(lockSeconds)))
                        ELSE t.locked_until END
                """, logger: logger)
        }
    }

    /// Forgets the failures of an account after a successful sign-in.
    public func recordSuccess(tenant: TenantID, email: String, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.checkedQuery("""
            DELETE FROM login_throttle
            WHERE tenant_id = \(tenant.rawValue) AND subject = ANY(\(Self.subjects(email: email, clientAddress: nil)))
            """, logger: logger)
    }
}
