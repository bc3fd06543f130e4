import HTTPTypes
import GlavitoCore
import Hummingbird

/// Cross-site request forgery protection for state-changing requests: a browser's `Sec-Fetch-Site` must say the
/// request came from this site (or was typed by the user), and a request authenticated by the session cookie must
/// carry the session's CSRF token in the `_csrf` form field or the `X-CSRF-Token` header. API-key requests carry no
/// cookie and need neither.
enum CSRFGuard {
    static let headerName = HTTPField.Name("X-CSRF-Token")!
    static let fetchSite = HTTPField.Name("Sec-Fetch-Site")!

    static func check(request: Request, principal: Principal?, form: [String: String]) throws {
        if let site = request.headers[fetchSite]?.lowercased(), site != "same-origin", site != "none" {
            throw rejection("The request came from another site (Sec-Fetch-Site: \(site)).")
        }
        guard case .session(_, let expected, _) = principal?.credential else { return }
        let presented = request.headers[headerName] ?? form["_csrf"] ?? ""
        guard ConstantTime.equal(Array(presented.utf8), Array(expected.utf8)) else {
            throw rejection("The form has expired or did not come from this site. Reload the page and try again.")
        }
    }

    static func rejection(_ detail: String) -> Problem {
        Problem(status: .forbidden, type: "csrf", title: "Request refused", detail: detail)
    }
}
