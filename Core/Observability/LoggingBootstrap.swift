import Logging

/// Process-wide logging set-up from the configuration.
public enum LoggingBootstrap {
    /// Installs the JSON or text handler at the configured level. Call once, first thing in `main`.
    public static func bootstrap(format: GlavitoConfig.LogFormat, level: Logger.Level) {
        switch format {
        case .json:
            LoggingSystem.bootstrap { label in JSONLogHandler(label: label, level: level) }
        case .text:
            LoggingSystem.bootstrap { label in
                var handler = StreamLogHandler.standardOutput(label: label)
                handler.logLevel = level
                return handler
            }
        }
    }
}
