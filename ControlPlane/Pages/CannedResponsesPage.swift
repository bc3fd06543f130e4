import GlavitoCore

/// `/admin/canned-responses`: the tenant's canned responses and a form to add one.
enum CannedResponsesPage {
    static func render(principal: Principal, responses: [CannedResponse], error: String?) -> String {
        let csrf = AppChrome.csrf(principal)
        let rows = responses.map { response in
            """
            <tr><td><code>/\(HTML.escape(response.shortcut))</code></td><td>\(HTML.escape(response.title))</td>
            <td>\(HTML.escape(response.body))</td>
            <td><form method="post" action="/admin/canned-responses/\(response.id?.uuidString.lowercased() ?? "")/delete">\(AppChrome.csrfField(csrf))
            <button type="submit" class="link-button">Delete</button></form></td></tr>
            """
        }.joined()
        return AppChrome.render(title: "Canned responses", principal: principal, csrf: csrf, error: error, body: """
        <section class="card"><div class="table-wrap"><table id="canned-responses">
        <thead><tr><th>Shortcut</th><th>Title</th><th>Text</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <section class="card"><h2>Add a canned response</h2>
        <p>Placeholders filled in when an agent inserts it: <code>{{contact.name}}</code>, <code>{{agent.name}}</code>,
        <code>{{ticket.subject}}</code>.</p>
        <form method="post" action="/admin/canned-responses" id="add-canned">\(AppChrome.csrfField(csrf))
        <label for="canned-shortcut">Shortcut</label><input id="canned-shortcut" name="shortcut" required pattern="[a-z0-9_-]{1,40}">
        <label for="canned-title">Title</label><input id="canned-title" name="title" required maxlength="120">
        <label for="canned-body">Text</label><textarea id="canned-body" name="body" required maxlength="5000" rows="4"></textarea>
        <button type="submit">Add</button>
        </form></section>
        """)
    }
}
