import GlavitoCore
import Hummingbird
import PostgresNIO

/// What the admin pages of conversation settings (ticket fields, canned responses) share: a list page, and a
/// form that redirects when its change is done and shows the page again with the reason when it is refused.
extension ConversationAPI {
    func listPage<Row: Sendable>(_ input: RouteInput, error: String?, status: HTTPResponse.Status,
                                 load: (PostgresConnection, Principal) async throws -> [Row],
                                 render: (Principal, [Row], String?) -> String) async throws -> Response {
        let principal = try input.requirePrincipal()
        let rows = try await transaction(input, load)
        return AppChrome.page(render(principal, rows, error), status: status)
    }

    func submitForm(redirect: String, page: (String?, HTTPResponse.Status) async throws -> Response,
                    _ change: () async throws -> Void) async throws -> Response {
        do {
            try await change()
        } catch let problem as Problem {
            return try await page(problem.detail, problem.status)
        }
        return Redirect.to(redirect)
    }
}
