import HTTPTypes
import Hummingbird
import Logging

/// Gives every request an id: the caller's `X-Request-Id` when it is a sane token, else Hummingbird's own.
/// The id goes on every log line of the request (`glavito.request_id`) and back in the response header.
struct RequestIDMiddleware<Context: RequestContext>: RouterMiddleware {
    static var headerName: HTTPField.Name { HTTPField.Name("X-Request-Id")! }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        let requestID = request.headers[Self.headerName].flatMap(Self.sanitised) ?? context.id
        context.logger[metadataKey: "glavito.request_id"] = .string(requestID)
        context.logger[metadataKey: "hb.request.id"] = .string(requestID)
        var response = try await next(request, context)
        response.headers[Self.headerName] = requestID
        return response
    }

    /// Accepts 1 to 128 characters of letters, digits, `-`, `_`, `.` and `:`.
    static func sanitised(_ value: String) -> String? {
        guard (1...128).contains(value.utf8.count) else { return nil }
        let ok = value.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.:".unicodeScalars.contains($0)) }
        return ok ? value : nil
    }
}
