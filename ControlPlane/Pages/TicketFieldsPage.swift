import GlavitoCore

/// `/admin/fields`: the tenant's custom fields of tickets and contacts, and a form to add one with its validation rules.
enum TicketFieldsPage {
    static func render(principal: Principal, fields: [TicketField], error: String?) -> String {
        let csrf = AppChrome.csrf(principal)
        let rows = fields.map { field in
            """
            <tr><td>\(field.entity)</td><td><code>\(HTML.escape(field.key))</code></td><td>\(HTML.escape(field.label))</td><td>\(field.type)</td>
            <td>\(field.required ? "yes" : "no")</td><td>\(HTML.escape(field.pattern ?? ""))\(HTML.escape(field.options.joined(separator: ", ")))</td>
            <td><form method="post" action="/admin/fields/\(HTML.escape(field.key))/delete">\(AppChrome.csrfField(csrf))
            <input type="hidden" name="entity" value="\(field.entity)">
            <button type="submit" class="link-button">Delete</button></form></td></tr>
            """
        }.joined()
        let types = TicketField.types.map { #"<option value="\#($0)">\#($0)</option>"# }.joined()
        return AppChrome.render(title: "Custom fields", principal: principal, csrf: csrf, error: error, body: """
        <section class="card"><div class="table-wrap"><table id="fields">
        <thead><tr><th>For</th><th>Key</th><th>Label</th><th>Type</th><th>Required</th><th>Rule</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <section class="card"><h2>Add a field</h2>
        <form method="post" action="/admin/fields" id="add-field">\(AppChrome.csrfField(csrf))
        <label for="field-entity">For</label><select id="field-entity" name="entity"><option value="ticket">Tickets</option>
        <option value="contact">Contacts</option></select>
        <label for="field-key">Key</label><input id="field-key" name="key" required pattern="[a-z][a-z0-9_]{0,39}">
        <label for="field-label">Label</label><input id="field-label" name="label" required maxlength="80">
        <label for="field-type">Type</label><select id="field-type" name="type">\(types)</select>
        <label><input type="checkbox" id="field-required" name="required"> Required</label>
        <label for="field-pattern">Pattern (text: a regular expression the whole value must match)</label>
        <input id="field-pattern" name="pattern">
        <label for="field-options">Options (select: separated by commas)</label><input id="field-options" name="options">
        <button type="submit">Add field</button>
        </form></section>
        """)
    }
}
