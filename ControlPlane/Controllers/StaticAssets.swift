import Foundation
import Hummingbird

/// The web apps' static files (ControlPlane/Web/static), read once at start and served from memory with ETags.
struct StaticAssets: Sendable {
    struct Asset: Sendable {
        let bytes: ByteBuffer
        let contentType: String
        let etag: String
    }

    let assets: [String: Asset]

    static func load() throws -> StaticAssets {
        guard let root = Bundle.module.url(forResource: "Web/static", withExtension: nil) else {
            return StaticAssets(assets: [:])
        }
        var assets: [String: Asset] = [:]
        let files = FileManager.default.enumerator(atPath: root.path)
        while let relative = files?.nextObject() as? String {
            let url = root.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue else { continue }
            let data = try Data(contentsOf: url)
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
            assets[relative] = Asset(
                bytes: ByteBuffer(bytes: data), contentType: contentType(for: relative), etag: "\"\(String(hash, radix: 16))\""
            )
        }
        return StaticAssets(assets: assets)
    }

    static func contentType(for path: String) -> String {
        switch path.split(separator: ".").last ?? "" {
        case "css": "text/css; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        case "json", "webmanifest": "application/json"
        case "html": "text/html; charset=utf-8"
        default: "application/octet-stream"
        }
    }

    func addRoutes(to router: Router<GlavitoRequestContext>) {
        router.get("/static/**") { request, context in
            let path = context.parameters.getCatchAll().joined(separator: "/")
            guard let asset = assets[path] else {
                throw Problem(status: .notFound, type: "not-found", title: "Not found")
            }
            if request.headers[.ifNoneMatch] == asset.etag {
                return Response(status: .notModified, headers: [.eTag: asset.etag])
            }
            return Response(
                status: .ok,
                headers: [.contentType: asset.contentType, .eTag: asset.etag, .cacheControl: "public, max-age=300"],
                body: .init(byteBuffer: asset.bytes)
            )
        }
    }
}
