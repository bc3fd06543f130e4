/// The HTML page a browser gets for an error, with the same title and detail as the problem JSON.
enum ErrorPage {
    static func render(status: Int, title: String, detail: String) -> String {
        PageShell.render(title: "\(status) \(title)", brandingStylesheet: false, body: """
        <main class="card narrow" role="main">
          <p class="status-code">\(status)</p>
          <h1>\(HTML.escape(title))</h1>
          <p>\(HTML.escape(detail))</p>
        </main>
        """)
    }
}
