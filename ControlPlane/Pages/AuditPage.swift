import Foundation
import GlavitoCore

/// The audit log and API key pages.
enum AuditPage {
    static func render(principal: Principal, entries: [AuditEntry], filter: AuditFilter) -> String {
        let rows = entries.map { entry in
            """
            <tr><td>\(entry.seq)</td><td><time>\(AccountPage.format(entry.occurredAt))</time></td>
            <td>\(HTML.escape(entry.action))</td><td>\(HTML.escape(entry.actorKind)) \(HTML.escape(entry.actorID ?? ""))</td>
            <td>\(HTML.escape(entry.target ?? ""))</td><td><small>\(HTML.escape(entry.details))</small></td></tr>
            """
        }.joined()
        let action = HTML.escape(filter.action ?? "")
        let next = entries.last.map { #"<a href="/admin/audit?action=\#(action)&amp;after=\#($0.seq)">Next page</a>"# } ?? ""
        return AppChrome.render(title: "Audit log", principal: principal, csrf: AppChrome.csrf(principal), body: """
        <form method="get" action="/admin/audit" class="form inline-form">
          <label for="audit-action">Action starts with</label><input id="audit-action" name="action" value="\(action)">
          <button type="submit">Filter</button>
          <a href="/admin/audit/export?format=csv&amp;action=\(action)">Export CSV</a>
          <a href="/admin/audit/export?format=jsonl&amp;action=\(action)">Export JSON lines</a>
        </form>
        <section class="card"><div class="table-wrap"><table><thead><tr><th>#</th><th>Time</th><th>Action</th><th>Actor</th><th>Target</th><th>Details</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>\(next)</section>
        """)
    }

    static func keys(principal: Principal, keys: [APIKeyStore.APIKey], newKey: String?, error: String?) -> String {
        let csrf = AppChrome.csrf(principal)
        let rows = keys.map { key in
            let state = key.revokedAt != nil ? "revoked" : ((key.expiresAt.map { $0 < Date() } ?? false) ? "expired" : "active")
            let revoke = state == "active"
                ? #"<form method="post" action="/admin/api-keys/\#(key.id.uuidString.lowercased())/revoke">\#(AppChrome.csrfField(csrf))<button type="submit" class="link-button">Revoke</button></form>"#
                : ""
            return """
            <tr><td>\(HTML.escape(key.name))<br><small>glv_\(HTML.escape(key.prefix))_…</small></td><td><small>\(key.scopes.map(HTML.escape).joined(separator: ", "))</small></td>
            <td>\(state)</td><td>\(key.expiresAt.map(AccountPage.format) ?? "never")</td><td>\(key.lastUsedAt.map(AccountPage.format) ?? "never")</td><td>\(revoke)</td></tr>
            """
        }.joined()
        let shown = newKey.map { #"<p class="notice" role="status">New key (shown only now): <code id="new-api-key">\#(HTML.escape($0))</code></p>"# } ?? ""
        let boxes = principal.permissions.sorted().map { #"<label class="check"><input type="checkbox" name="scopes" value="\#($0.rawValue)"> \#($0.rawValue)</label>"# }.joined()
        return AppChrome.render(title: "API keys", principal: principal, csrf: csrf, error: error, body: """
        \(shown)
        <section class="card"><div class="table-wrap"><table><thead><tr><th>Name</th><th>Scopes</th><th>State</th><th>Expires</th><th>Last used</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <section class="card"><h2>Create a key</h2>
          <form method="post" action="/admin/api-keys" class="form">\(AppChrome.csrfField(csrf))
            <label for="key-name">Name</label><input id="key-name" name="name" required>
            <fieldset><legend>Scopes</legend>\(boxes)</fieldset>
            <label for="key-expiry">Expires after (days)</label><input id="key-expiry" name="expires_days" type="number" min="1" max="3650" value="90">
            <button type="submit">Create key</button>
          </form></section>
        """)
    }
}

/// Audit exports as CSV and JSON lines.
enum AuditExport {
    static func csv(_ entries: [AuditEntry]) -> String {
        func field(_ value: String?) -> String {
            var text = value ?? ""
            // Cells starting with a formula character are prefixed so spreadsheets do not execute them.
            if let first = text.first, "=+-@".contains(first) { text = "'" + text }
            return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
        }
        var lines = ["seq,occurred_at,actor_kind,actor_id,action,target,client_address,details,entry_hash"]
        for entry in entries {
            lines.append([String(entry.seq), AccountPage.format(entry.occurredAt), entry.actorKind, entry.actorID, entry.action,
                          entry.target, entry.clientAddress, entry.details, entry.entryHash].map(field).joined(separator: ","))
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    static func jsonLines(_ entries: [AuditEntry]) throws -> String {
        try entries.map { try JSONCoding.encode($0) }.joined(separator: "\n") + (entries.isEmpty ? "" : "\n")
    }
}
