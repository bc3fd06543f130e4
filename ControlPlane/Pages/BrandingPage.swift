import GlavitoCore

/// `/admin/branding`: the tenant's name, colours and logo, with a live preview (ControlPlane/Web/static/branding.js).
enum BrandingPage {
    static func render(principal: Principal, branding: Branding, error: String?, flash: String? = nil) -> String {
        let csrf = AppChrome.csrf(principal)
        func color(_ id: String, _ label: String, _ value: String) -> String {
            """
            <label for="\(id)">\(label)</label><input type="color" id="\(id)" name="\(id)" value="\(HTML.escape(value))" data-var="--preview-\(id)">
            """
        }
        let logo = branding.logoURL.map { "<img id=\"current-logo\" src=\"\(HTML.escape($0))\" alt=\"Current logo\" height=\"36\">" } ?? "<p>No logo.</p>"
        return AppChrome.render(title: "Branding", principal: principal, csrf: csrf, flash: flash, error: error, body: """
        <section class="card branding-editor"><form method="post" action="/admin/branding" id="branding-form">\(AppChrome.csrfField(csrf))
        <label for="display_name">Name shown to customers and agents</label>
        <input id="display_name" name="display_name" required maxlength="80" value="\(HTML.escape(branding.displayName))">
        \(color("primary_color", "Main colour (buttons, links, header)", branding.primaryColor))
        \(color("accent_color", "Accent colour", branding.accentColor))
        \(color("background_color", "Page background", branding.backgroundColor))
        \(color("text_color", "Text colour", branding.textColor))
        <label for="logo_file">Logo (PNG, JPEG, WebP or SVG, at most 256 KiB)</label>
        \(logo)
        <input type="file" id="logo_file" accept="image/png,image/jpeg,image/webp,image/svg+xml">
        <input type="hidden" id="logo_data" name="logo_data" value="">
        <label><input type="checkbox" name="remove_logo" value="1" id="remove_logo"> Remove the logo</label>
        <button type="submit">Save branding</button>
        </form></section>
        <section class="card"><h2>Preview</h2>
        <div id="branding-preview" class="branding-preview" aria-label="Preview">
        <div class="preview-bar"><span id="preview-name">\(HTML.escape(branding.displayName))</span></div>
        <div class="preview-body"><p>Hello! This is how your workspace, web chat and emails look.</p>
        <a href="#branding-preview">A link</a> <span class="preview-button">A button</span> <span class="preview-accent">New</span></div>
        </div></section>
        <script type="module" src="/static/branding.js"></script>
        """)
    }
}
