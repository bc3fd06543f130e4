import Foundation
import GlavitoCore

/// Makes a JPEG thumbnail with libvips' `vipsthumbnail` (Debian's libvips-tools, installed by infra/deps.sh):
/// the image shrunk to fit a square of ``AttachmentThumbnails/maximumSide`` pixels (never enlarged), EXIF
/// orientation applied and metadata stripped. The image goes through a private temporary directory; the process
/// runs with one vips thread and is killed after ``timeout``.
struct ThumbnailMaker: Sendable {
    /// The `vipsthumbnail` executable.
    var executable = "/usr/bin/vipsthumbnail"
    var timeout: Duration = .seconds(30)

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// The thumbnail's JPEG bytes.
    func thumbnail(of bytes: [UInt8], mimeType: String) async throws -> [UInt8] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("glavito-thumb-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(at: directory) }
        let input = directory.appendingPathComponent("original.\(mimeType == "image/png" ? "png" : mimeType == "image/webp" ? "webp" : "jpg")")
        let output = directory.appendingPathComponent("thumbnail.jpg")
        try Data(bytes).write(to: input)
        let side = AttachmentThumbnails.maximumSide
        let (status, errors) = try await run([input.path, "--size", "\(side)x\(side)>", "-o", "\(output.path)[Q=80,strip]"])
        guard status == 0, let data = FileManager.default.contents(atPath: output.path), !data.isEmpty else {
            throw Failure(description: "vipsthumbnail exited with \(status): \(errors.prefix(300))")
        }
        return Array(data)
    }

    /// Runs `vipsthumbnail` with `arguments`: its exit status and what it wrote to stderr.
    func run(_ arguments: [String]) async throws -> (Int32, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ["VIPS_CONCURRENCY": "1", "PATH": "/usr/bin:/bin"]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let exited = AsyncStream<Int32>.makeStream()
        process.terminationHandler = { finished in
            exited.continuation.yield(finished.terminationStatus)
            exited.continuation.finish()
        }
        try process.run()
        let status = try await withThrowingTaskGroup(of: Int32?.self) { group in
            group.addTask {
                for await status in exited.stream { return status }
                return nil
            }
            group.addTask {
                try await Task.sleep(for: timeout)
                return nil
            }
            let first = try await group.next() ?? nil
            if first == nil, process.isRunning { process.terminate() }
            group.cancelAll()
            return first
        }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let status else { throw Failure(description: "vipsthumbnail did not finish within \(timeout)") }
        return (status, text)
    }
}
