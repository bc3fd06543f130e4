import Foundation
import GlavitoCore

/// Where the test run's PostgreSQL and binaries are, as set up by `infra/test.sh` (`make test`).
public enum TestEnvironment {
    /// A variable `make test` sets is missing: the suite was started some other way.
    public struct NotConfigured: Error, CustomStringConvertible {
        public let key: String
        public var description: String { "\(key) is not set: run the suite with `make test`, which starts its own PostgreSQL" }
    }

    /// A required variable.
    public static func value(_ key: String) throws -> String {
        guard let value = ProcessInfo.processInfo.environment[key], !value.isEmpty else { throw NotConfigured(key: key) }
        return value
    }

    /// A required database URL.
    public static func databaseURL(_ key: String) throws -> DatabaseURL {
        try DatabaseURL(parsing: try value(key))
    }

    /// The application role (no RLS bypass).
    public static func appURL() throws -> DatabaseURL { try databaseURL("GLAVITO_TEST_DATABASE_URL") }
    /// The platform role.
    public static func platformURL() throws -> DatabaseURL { try databaseURL("GLAVITO_TEST_PLATFORM_DATABASE_URL") }
    /// The schema owner.
    public static func ownerURL() throws -> DatabaseURL { try databaseURL("GLAVITO_TEST_OWNER_DATABASE_URL") }

    /// The directory holding the debug binaries `glavito` and `glavito-worker`.
    public static func binDirectory() throws -> URL { URL(fileURLWithPath: try value("GLAVITO_TEST_BIN_DIR")) }

    /// The checkout's root directory.
    public static func repoRoot() throws -> URL { URL(fileURLWithPath: try value("GLAVITO_TEST_REPO_ROOT")) }

    /// An environment for a child `glavito` process against the test database.
    public static func processEnvironment(extra: [String: String] = [:]) throws -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        environment["GLAVITO_DATABASE_URL"] = try value("GLAVITO_TEST_DATABASE_URL")
        environment["GLAVITO_PLATFORM_DATABASE_URL"] = try value("GLAVITO_TEST_PLATFORM_DATABASE_URL")
        environment["GLAVITO_OWNER_DATABASE_URL"] = try value("GLAVITO_TEST_OWNER_DATABASE_URL")
        environment["GLAVITO_LOG_FORMAT"] = "json"
        environment["GLAVITO_LOG_LEVEL"] = "info"
        // Worker processes share the suite's database with tests that claim their own jobs: unless a test says
        // otherwise, a worker serves no real tenant (a fresh id; dedicated workers also leave periodic scheduling
        // alone) and does not run the webhooks consumer, so it never takes another test's jobs or events.
        environment["GLAVITO_WORKER_TENANTS"] = UUID().uuidString.lowercased()
        environment["GLAVITO_WEBHOOKS_DISPATCH"] = "off"
        // Many servers run at once: none listens for SMTP unless a test gives it a port.
        environment["GLAVITO_SMTP_PORT"] = "0"
        for (key, value) in extra { environment[key] = value }
        return environment
    }
}
