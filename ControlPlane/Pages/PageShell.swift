/// The document around every server-rendered page: one stylesheet, the tenant's branding stylesheet, no scripts
/// from elsewhere, a viewport for phones.
enum PageShell {
    static func render(title: String, brandingStylesheet: Bool, body: String) -> String {
        let branding = brandingStylesheet ? #"<link rel="stylesheet" href="/branding.css">"# : ""
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>\(HTML.escape(title))</title>
        <link rel="stylesheet" href="/static/glavito.css">
        \(branding)
        </head>
        <body>
        \(body)
        </body>
        </html>
        """
    }
}
