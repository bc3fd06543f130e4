import Foundation
import Logging
import Synchronization

/// A swift-log handler that writes one JSON object per line to standard output.
///
/// Metadata keys whose names suggest secrets (password, secret, token, key) are redacted before writing, so a
/// careless log call cannot leak credentials.
public struct JSONLogHandler: LogHandler {
    /// Serialises writes so that lines from concurrent tasks never interleave.
    static let output = Mutex<Void>(())

    /// The logger's label.
    public let label: String
    public var logLevel: Logger.Level
    public var metadata: Logger.Metadata = [:]
    let write: @Sendable (String) -> Void

    /// Creates a handler writing to standard output.
    public init(label: String, level: Logger.Level) {
        self.init(label: label, level: level) { line in
            JSONLogHandler.output.withLock { _ in
                FileHandle.standardOutput.write(Data(line.utf8))
            }
        }
    }

    /// Creates a handler writing each line to `write` (tests capture lines this way).
    public init(label: String, level: Logger.Level, write: @escaping @Sendable (String) -> Void) {
        self.label = label
        self.logLevel = level
        self.write = write
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(event: LogEvent) {
        var object: [String: Any] = [
            "ts": Self.timestamp(),
            "level": event.level.rawValue,
            "msg": event.message.description,
            "logger": label,
        ]
        let merged = metadata.merging(event.metadata ?? [:]) { _, new in new }
        for (key, value) in merged {
            object[key] = Self.isSecret(key) ? "[redacted]" : Self.json(value)
        }
        if event.level >= .error {
            object["source"] = "\(event.source)/\(event.file.split(separator: "/").last ?? ""):\(event.line)"
        }
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]) else {
            return
        }
        write(String(decoding: data, as: UTF8.self) + "\n")
    }

    static func isSecret(_ key: String) -> Bool {
        let lower = key.lowercased()
        return ["password", "secret", "token", "apikey", "api_key", "authorization", "cookie"].contains { lower.contains($0) }
    }

    static func json(_ value: Logger.MetadataValue) -> Any {
        switch value {
        case .string(let string): string
        case .stringConvertible(let convertible): convertible.description
        case .array(let array): array.map(json)
        case .dictionary(let dictionary): dictionary.mapValues(json)
        }
    }

    static func timestamp() -> String {
        Date.now.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true).timeZone(separator: .omitted))
    }
}
