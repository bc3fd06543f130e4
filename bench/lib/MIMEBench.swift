// The Swift side of bench/mime.sh: parses every file of a directory with MIMEParser, repeating the set until at least
// the requested number of megabytes went through, and prints one JSON line with the bytes, seconds and MB/s.
// Compiled with Core/Email/*.swift by bench/mime.sh (swiftc -O -wmo, a release build).
import Foundation

@main
struct MIMEBench {
    static func main() throws {
        let arguments = CommandLine.arguments
        guard arguments.count >= 3, let megabytes = Double(arguments[2]) else {
            FileHandle.standardError.write(Data("usage: mime-bench DIR MEGABYTES\n".utf8))
            exit(2)
        }
        let directory = URL(fileURLWithPath: arguments[1])
        let names = try FileManager.default.contentsOfDirectory(atPath: directory.path).sorted()
        let messages = names.compactMap { FileManager.default.contents(atPath: directory.appendingPathComponent($0).path) }.map { [UInt8]($0) }
        let setBytes = messages.reduce(0) { $0 + $1.count }
        guard setBytes > 0 else { exit(2) }
        let rounds = max(1, Int((megabytes * 1_000_000 / Double(setBytes)).rounded(.up)))
        var total = 0
        var checksum = 0
        // One warm-up round (iconv modules, caches), not timed.
        for message in messages { checksum &+= MIMEParser.parse(message).attachments.count }
        let clock = ContinuousClock()
        let start = clock.now
        for _ in 0..<rounds {
            for message in messages {
                let email = MIMEParser.parse(message)
                checksum &+= email.newText.utf8.count &+ email.attachments.count
                total += message.count
            }
        }
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("{\"messages\": \(messages.count * rounds), \"bytes\": \(total), \"seconds\": \(seconds), \"mb_per_s\": \(Double(total) / 1e6 / seconds), \"checksum\": \(checksum)}")
    }
}
