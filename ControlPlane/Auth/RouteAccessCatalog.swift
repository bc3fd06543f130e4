import HTTPTypes
import Synchronization

/// The access each registered route declared, keyed by method and path, so a test can hold it against the router.
final class RouteAccessCatalog: Sendable {
    private let entries = Mutex<[String: Access]>([:])

    /// Records `access` for `method path`.
    func declare(_ access: Access, _ method: HTTPRequest.Method, _ path: String) {
        entries.withLock { $0[Self.key(method, path)] = access }
    }

    /// The access declared for `method path`, if any.
    func access(_ method: HTTPRequest.Method, _ path: String) -> Access? {
        entries.withLock { $0[Self.key(method, path)] }
    }

    /// Every declaration.
    var all: [String: Access] { entries.withLock { $0 } }

    static func key(_ method: HTTPRequest.Method, _ path: String) -> String {
        let trimmed = path.hasPrefix("/") ? path : "/" + path
        return "\(method.rawValue) \(trimmed)"
    }
}
