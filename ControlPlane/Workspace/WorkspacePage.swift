import Foundation
import GlavitoCore

/// The workspace's HTML shell: the tenant's branding, the signed-in agent's facts for the scripts (a JSON block,
/// not code: the CSP allows no inline script), and the ES modules under /static/app.
enum WorkspacePage {
    static func render(principal: Principal, branding: Branding?) -> String {
        let name = HTML.escape(branding?.displayName ?? "Glavito")
        let boot: [String: Any] = [
            "user": ["id": principal.userID?.description ?? "", "name": principal.displayName, "email": principal.email ?? ""],
            "permissions": principal.permissions.map(\.rawValue).sorted(),
            "teams": principal.teams.sorted(),
            "scope": principal.dataScope.rawValue,
            "csrf": AppChrome.csrf(principal) ?? "",
            "brand": branding?.displayName ?? "Glavito",
        ]
        let json = String(decoding: (try? JSONSerialization.data(withJSONObject: boot, options: [.sortedKeys])) ?? Data("{}".utf8), as: UTF8.self)
            .replacingOccurrences(of: "<", with: "\\u003c")
        let logo = branding?.logoURL.map { #"<img class="brand-logo" src="\#(HTML.escape($0))" alt="">"# } ?? ""
        return PageShell.render(title: "Inbox · \(branding?.displayName ?? "Glavito")", brandingStylesheet: true, stylesheet: "/static/app/app.css",
                                head: """
            <meta name="theme-color" content="\(theme(branding))">
            <link rel="manifest" href="/app/manifest.webmanifest">
            <link rel="icon" href="/static/app/icon.svg" type="image/svg+xml">
            <link rel="apple-touch-icon" href="/static/app/icon-192.png">
            <link rel="modulepreload" href="/static/app/api.js">
            <link rel="modulepreload" href="/static/app/live.js">
            <link rel="modulepreload" href="/static/app/inbox.js">
            <script type="module" src="/static/app/app.js"></script>
            """, viewport: "width=device-width, initial-scale=1, interactive-widget=resizes-content", bodyClass: "workspace", body: """
        <a class="skip" href="#ticket-pane">Skip to the ticket</a>
        <header class="ws-bar">
          <a class="brand" href="/app">\(logo)<span class="brand-name">\(name)</span></a>
          <span id="live-status" class="live-status" role="status" aria-live="polite">Connecting…</span>
          <nav class="ws-nav" aria-label="Account"><a href="/account">\(HTML.escape(principal.displayName))</a></nav>
        </header>
        <div class="ws-main" id="ws-main">
          <section id="inbox-pane" class="inbox-pane" aria-label="Inbox"></section>
          <section id="ticket-pane" class="ticket-pane" aria-label="Ticket" tabindex="-1">
            <p class="empty">Choose a ticket from the inbox. Press <kbd>?</kbd> for keyboard shortcuts.</p>
          </section>
        </div>
        <script type="application/json" id="boot">\(json)</script>
        """)
    }

    /// The tenant's primary colour (checked again: only `#rrggbb` reaches the page).
    static func theme(_ branding: Branding?) -> String {
        branding.map { Branding.isColor($0.primaryColor) ? $0.primaryColor : "#2563eb" } ?? "#2563eb"
    }

    /// The web app manifest in the tenant's name and colour (installable: standalone, SVG and PNG icons).
    static func manifest(_ branding: Branding?) -> String {
        let background = branding.map { Branding.isColor($0.backgroundColor) ? $0.backgroundColor : "#f8fafc" } ?? "#f8fafc"
        let object: [String: Any] = [
            "name": "\(branding?.displayName ?? "Glavito") inbox", "short_name": branding?.displayName ?? "Glavito",
            "start_url": "/app", "scope": "/app", "display": "standalone", "theme_color": theme(branding), "background_color": background,
            "icons": [
                ["src": "/static/app/icon.svg", "sizes": "any", "type": "image/svg+xml"],
                ["src": "/static/app/icon-192.png", "sizes": "192x192", "type": "image/png"],
                ["src": "/static/app/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any maskable"],
            ],
        ]
        return String(decoding: (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data(),
                      as: UTF8.self)
    }
}
