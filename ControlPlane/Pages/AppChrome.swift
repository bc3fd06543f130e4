import GlavitoCore
import Hummingbird

/// The frame of signed-in pages: the tenant's brand bar, navigation by permission, and a sign-out form.
enum AppChrome {
    static func render(title: String, principal: Principal?, csrf: String?, flash: String? = nil, error: String? = nil, body: String) -> String {
        var links: [(String, String)] = []
        if let principal, case .session(_, _, .active) = principal.credential {
            if principal.can(.ticketsRead) { links.append(("/app", "Inbox")) }
            links.append(("/account", "My account"))
            if principal.can(.adminUsers) { links.append(("/admin/users", "Users")) }
            if principal.can(.adminTeams) { links.append(("/admin/teams", "Teams")) }
            if principal.can(.adminRoles) { links.append(("/admin/roles", "Roles")) }
            if principal.can(.adminAPIKeys) { links.append(("/admin/api-keys", "API keys")) }
            if principal.can(.auditRead) { links.append(("/admin/audit", "Audit log")) }
            if principal.can(.adminChannels) { links.append(("/admin/channels", "Channels")) }
            if principal.can(.adminSettings) { links.append(("/admin/webhooks", "Webhooks")) }
            if principal.can(.adminSettings) { links.append(("/admin/fields", "Custom fields")) }
            if principal.can(.adminSettings) { links.append(("/admin/canned-responses", "Canned responses")) }
            if principal.can(.adminBranding) { links.append(("/admin/branding", "Branding")) }
        }
        let nav = links.map { #"<a href="\#($0.0)">\#(HTML.escape($0.1))</a>"# }.joined()
        let signOut = principal == nil ? "" : """
            <form method="post" action="/logout" class="inline">\(csrfField(csrf))<button type="submit" class="link-button">Sign out</button></form>
            """
        let flashHTML = flash.map { #"<p class="notice" role="status">\#(HTML.escape($0))</p>"# } ?? ""
        let errorHTML = error.map { #"<p class="notice error" role="alert">\#(HTML.escape($0))</p>"# } ?? ""
        return PageShell.render(title: title, brandingStylesheet: true, body: """
        <header class="brand-bar"><a class="brand" href="/"><span class="brand-name">Glavito</span></a>
        <nav class="app-nav" aria-label="Main">\(nav)\(signOut)</nav></header>
        <main class="app-main" role="main">
        <h1>\(HTML.escape(title))</h1>
        \(flashHTML)\(errorHTML)
        \(body)
        </main>
        """)
    }

    /// The hidden CSRF field for a form.
    static func csrfField(_ token: String?) -> String {
        guard let token else { return "" }
        return #"<input type="hidden" name="_csrf" value="\#(HTML.escape(token))">"#
    }

    /// The CSRF token of a session principal.
    static func csrf(_ principal: Principal?) -> String? {
        if case .session(_, let token, _) = principal?.credential { return token }
        return nil
    }

    /// An HTML response.
    static func page(_ html: String, status: HTTPResponse.Status = .ok, headers extra: HTTPFields = [:]) -> Response {
        var headers = extra
        headers[.contentType] = "text/html; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: html)))
    }
}
