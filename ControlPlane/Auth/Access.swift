import GlavitoCore
import Hummingbird

/// What a route requires of the caller. Every route declares one (see ``SecuredRoutes``); a test enumerates the
/// router and fails on a route without a declaration.
enum Access: Sendable, Equatable, CustomStringConvertible {
    /// Anyone, signed in or not (login page, health, static assets).
    case `public`
    /// A session part-way through sign-in (waiting for a second factor or for enrolment), or a full one.
    case signInStep
    /// Any fully signed-in user, whatever their role (their own account pages).
    case signedIn
    /// A fully signed-in user or an API key holding this permission.
    case permission(Permission)
    /// A signed-in platform operator (a realm of its own, on the bare base domain).
    case platformOperator

    var description: String {
        switch self {
        case .public: "public"
        case .signInStep: "sign-in step"
        case .signedIn: "signed in"
        case .permission(let permission): permission.rawValue
        case .platformOperator: "platform operator"
        }
    }

    /// Throws a 401 or 403 problem unless `principal` satisfies this requirement.
    func check(_ principal: Principal?) throws {
        if self == .public { return }
        if self == .platformOperator {
            throw Problem(status: .unauthorized, type: "unauthenticated", title: "Platform sign-in required")
        }
        guard let principal else {
            throw Problem(status: .unauthorized, type: "unauthenticated", title: "Sign in required",
                          detail: "Sign in, or send an API key as `Authorization: Bearer <key>`.")
        }
        if case .session(_, _, let stage) = principal.credential, stage != .active {
            guard self == .signInStep else {
                throw Problem(status: .unauthorized, type: "sign-in-incomplete", title: "Finish signing in",
                              detail: "Complete the second step of signing in first.")
            }
            return
        }
        if case .permission(let permission) = self, !principal.can(permission) {
            throw Problem(status: .forbidden, type: "forbidden", title: "Not allowed",
                          detail: "Your role does not include the permission \(permission.rawValue).")
        }
    }
}
