import Logging

/// Typed, validating access to `GLAVITO_*` environment variables.
struct EnvironmentReader {
    let environment: [String: String]

    init(_ environment: [String: String]) {
        self.environment = environment
    }

    private func raw(_ key: String) -> String? {
        guard let value = environment[key]?.trimmingWhitespace(), !value.isEmpty else { return nil }
        return value
    }

    func optional(_ key: String) -> String? {
        raw(key)
    }

    func string(_ key: String, default value: String) throws(ConfigError) -> String {
        raw(key) ?? value
    }

    func int(_ key: String, default value: Int, range: ClosedRange<Int>) throws(ConfigError) -> Int {
        guard let text = raw(key) else { return value }
        guard let number = Int(text) else {
            throw ConfigError(key: key, problem: "must be a whole number, got '\(text)'")
        }
        guard range.contains(number) else {
            throw ConfigError(key: key, problem: "must be between \(range.lowerBound) and \(range.upperBound), got \(number)")
        }
        return number
    }

    func list(_ key: String, default value: [String]) throws(ConfigError) -> [String] {
        guard let text = raw(key) else { return value }
        let items = text.split(separator: ",").map { String($0).trimmingWhitespace() }.filter { !$0.isEmpty }
        guard !items.isEmpty else { throw ConfigError(key: key, problem: "must name at least one item") }
        return items
    }

    func enumeration<E: RawRepresentable<String>>(_ key: String, default value: E) throws(ConfigError) -> E {
        guard let text = raw(key) else { return value }
        guard let parsed = E(rawValue: text.lowercased()) else {
            throw ConfigError(key: key, problem: "has an unknown value '\(text)'")
        }
        return parsed
    }

    func bool(_ key: String, default value: Bool) throws(ConfigError) -> Bool {
        guard let text = raw(key)?.lowercased() else { return value }
        switch text {
        case "1", "true", "on", "yes": return true
        case "0", "false", "off", "no": return false
        default: throw ConfigError(key: key, problem: "must be on or off, got '\(text)'")
        }
    }

    func logLevel(_ key: String, default value: Logger.Level) throws(ConfigError) -> Logger.Level {
        guard let text = raw(key) else { return value }
        guard let level = Logger.Level(rawValue: text.lowercased()) else {
            let allowed = Logger.Level.allCases.map(\.rawValue).joined(separator: ", ")
            throw ConfigError(key: key, problem: "must be one of \(allowed), got '\(text)'")
        }
        return level
    }

    func databaseURL(_ key: String) throws(ConfigError) -> DatabaseURL? {
        guard let text = raw(key) else { return nil }
        do {
            return try DatabaseURL(parsing: text)
        } catch {
            throw ConfigError(key: key, problem: error.reason)
        }
    }
}

extension String {
    /// The string without leading and trailing spaces, tabs and newlines.
    func trimmingWhitespace() -> String {
        let scalars = unicodeScalars
        guard let start = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let end = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[start...end])
    }
}
