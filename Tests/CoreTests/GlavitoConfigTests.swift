import GlavitoCore
import Testing

@Suite("Configuration")
struct GlavitoConfigTests {
    let base = [
        "GLAVITO_DATABASE_URL": "postgres://glavito_app:pw@127.0.0.1:5432/glavito?sslmode=disable",
        "GLAVITO_PLATFORM_DATABASE_URL": "postgres://glavito_platform:pw@127.0.0.1:5432/glavito",
    ]

    @Test("documented defaults apply when only the required keys are set")
    func defaults() throws {
        let config = try GlavitoConfig.load(from: base)
        #expect(config.httpHost == "127.0.0.1")
        #expect(config.httpPort == 8080)
        #expect(config.baseDomain == "localhost")
        #expect(config.databasePoolSize == 10)
        #expect(config.logFormat == .json)
        #expect(config.workerQueues == ["delivery", "ai", "media", "maintenance"])
        #expect(config.ownerDatabase == nil)
        #expect(config.database.username == "glavito_app")
        #expect(config.database.tlsMode == .disable)
        #expect(config.platformDatabase.tlsMode == .prefer)
    }

    @Test("a missing required key is named")
    func missingKey() {
        #expect { try GlavitoConfig.load(from: [:]) } throws: { error in
            (error as? ConfigError)?.key == "GLAVITO_DATABASE_URL"
        }
    }

    @Test("malformed values are refused with the key and the reason", arguments: [
        ("GLAVITO_HTTP_PORT", "eighty", "whole number"),
        ("GLAVITO_HTTP_PORT", "70000", "between 0 and 65535"),
        ("GLAVITO_LOG_LEVEL", "loud", "must be one of"),
        ("GLAVITO_LOG_FORMAT", "xml", "unknown value"),
        ("GLAVITO_DATABASE_URL", "mysql://x@y/z", "postgres:// URL"),
        ("GLAVITO_DATABASE_URL", "postgres://127.0.0.1/glavito", "no user name"),
        ("GLAVITO_PLATFORM_DATABASE_URL", "postgres://u@h/db?sslmode=maybe", "sslmode"),
        ("GLAVITO_WORKER_QUEUES", " , ", "at least one"),
    ])
    func malformed(key: String, value: String, reason: String) {
        var environment = base
        environment[key] = value
        #expect { try GlavitoConfig.load(from: environment) } throws: { error in
            guard let error = error as? ConfigError else { return false }
            return error.key == key && error.description.contains(reason)
        }
    }

    @Test("a database URL never prints its password")
    func passwordMasked() throws {
        let url = try DatabaseURL(parsing: "postgres://app:s3cr%40t@db.internal:6543/glavito")
        #expect(url.password == "s3cr@t")
        #expect(url.port == 6543)
        #expect(!url.description.contains("s3cr"))
        #expect(url.description.contains("***"))
    }
}
