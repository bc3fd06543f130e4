import Foundation
import GlavitoCore
import Logging
import Synchronization
import Testing

@Suite("Structured logs")
struct JSONLogHandlerTests {
    @Test("one JSON object per line, metadata included, secrets redacted")
    func jsonLines() throws {
        let lines = Mutex<[String]>([])
        var logger = Logger(label: "test") { label in
            JSONLogHandler(label: label, level: .info) { line in lines.withLock { $0.append(line) } }
        }
        logger[metadataKey: "glavito.request_id"] = "req-1"
        logger.info("hello", metadata: ["glavito.tenant": "demo", "access_token": "abc123", "password": "hunter2"])
        logger.debug("below the level")
        let written = lines.withLock { $0 }
        #expect(written.count == 1)
        let line = try #require(written.first)
        #expect(line.hasSuffix("\n"))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        #expect(object["msg"] as? String == "hello")
        #expect(object["glavito.request_id"] as? String == "req-1")
        #expect(object["glavito.tenant"] as? String == "demo")
        #expect(object["access_token"] as? String == "[redacted]")
        #expect(!line.contains("hunter2"))
    }
}
