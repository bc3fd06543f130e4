import Foundation
import GlavitoCore

/// A tenant's public landing page, in the tenant's branding.
enum LandingPage {
    /// The page; with `webChat`, the web chat widget of that channel is embedded.
    static func render(tenant: Tenant, webChat: UUID? = nil) -> String {
        let widget = webChat.map { #"<script src="/widget/\#($0.uuidString.lowercased()).js" defer></script>"# } ?? ""
        let name = HTML.escape(tenant.branding.displayName)
        let logo = tenant.branding.logoURL.map { #"<img class="brand-logo" src="\#(HTML.escape($0))" alt="\#(name) logo">"# } ?? ""
        return PageShell.render(title: tenant.branding.displayName, brandingStylesheet: true, body: """
        <header class="brand-bar">
          <a class="brand" href="/">\(logo)<span class="brand-name">\(name)</span></a>
        </header>
        <main class="hero" role="main">
          <h1>How can we help?</h1>
          <p>You have reached the customer support of \(HTML.escape(tenant.name)).
          Message us on any of our channels and a member of our team will answer.</p>
        </main>
        <footer class="site-footer"><small>Support desk powered by Glavito</small></footer>
        \(widget)
        """)
    }

    /// CSS custom properties carrying the tenant's colours; every page's stylesheet is written against them.
    static func brandingStylesheet(_ branding: Branding) -> String {
        // Colours were validated as #rrggbb when the tenant was applied; re-check so nothing else reaches CSS.
        func color(_ value: String, _ fallback: String) -> String { Branding.isColor(value) ? value : fallback }
        return """
        :root {
          --brand-primary: \(color(branding.primaryColor, "#2563eb"));
          --brand-accent: \(color(branding.accentColor, "#f59e0b"));
          --brand-background: \(color(branding.backgroundColor, "#f8fafc"));
          --brand-text: \(color(branding.textColor, "#0f172a"));
        }

        """
    }
}
