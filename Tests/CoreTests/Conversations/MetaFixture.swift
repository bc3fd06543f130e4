import Foundation
import GlavitoCore
import Testing

/// The raw Meta webhook bodies in `Tests/CoreTests/Fixtures/meta/<channel>/<name>.json`.
enum MetaFixture {
    /// The bytes of a fixture.
    static func body(_ channel: String, _ name: String) throws -> [UInt8] {
        let base = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
        let url = base.appendingPathComponent("Fixtures/meta/\(channel)/\(name).json")
        return Array(try Data(contentsOf: url))
    }

    /// The names of all fixtures of `channel`.
    static func names(_ channel: String) throws -> [String] {
        let base = try #require(Bundle.module.resourceURL, "the test bundle has no resources")
        let folder = base.appendingPathComponent("Fixtures/meta/\(channel)")
        return try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".json") }.map { String($0.dropLast(5)) }.sorted()
    }

    /// The message of fixture `name`, which must report exactly one message and nothing else.
    static func onlyMessage(_ channel: String, _ name: String,
                            parse: ([UInt8]) throws -> ChannelWebhookBatch) throws -> InboundMessage {
        let batch = try parse(try body(channel, name))
        #expect(batch.statuses.isEmpty && batch.errors.isEmpty && batch.messages.count == 1, "\(channel)/\(name)")
        return try #require(batch.messages.first, "\(channel)/\(name) has no message")
    }
}
