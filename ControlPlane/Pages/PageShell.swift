/// The document around every server-rendered page: one stylesheet, the tenant's branding stylesheet, no scripts
/// from elsewhere, a viewport for phones.
enum PageShell {
    /// `stylesheet` is the page's own (the branding one follows it); `head` adds elements (metadata, modules);
    /// `viewport` is the viewport meta's content.
    static func render(title: String, brandingStylesheet: Bool, stylesheet: String = "/static/glavito.css", head: String = "",
                       viewport: String = "width=device-width, initial-scale=1", bodyClass: String? = nil, body: String) -> String {
        let branding = brandingStylesheet ? #"<link rel="stylesheet" href="/branding.css">"# : ""
        let bodyTag = bodyClass.map { #"<body class="\#(HTML.escape($0))">"# } ?? "<body>"
        return """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="\(viewport)">
        <title>\(HTML.escape(title))</title>
        <link rel="stylesheet" href="\(stylesheet)">
        \(branding)
        \(head)
        </head>
        \(bodyTag)
        \(body)
        </body>
        </html>
        """
    }
}
