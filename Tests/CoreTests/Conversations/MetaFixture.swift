import Foundation
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
}
