import ArgumentParser
import Foundation
import GlavitoCore
import Logging

/// Start-up shared by every subcommand: configuration from the environment, then logging.
enum CommandEnvironment {
    /// Loads the configuration, or prints the offending key and exits with EX_CONFIG (78).
    static func load() throws -> GlavitoConfig {
        do {
            let config = try GlavitoConfig.load(from: ProcessInfo.processInfo.environment)
            LoggingBootstrap.bootstrap(format: config.logFormat, level: config.logLevel)
            return config
        } catch {
            FileHandle.standardError.write(Data("glavito: \(error)\n".utf8))
            throw ExitCode(78)
        }
    }

    /// Prints `message` to standard error and fails with exit code 1.
    static func fail(_ message: String) -> ExitCode {
        FileHandle.standardError.write(Data("glavito: \(message)\n".utf8))
        return ExitCode(1)
    }
}
