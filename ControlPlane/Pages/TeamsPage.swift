import Foundation
import GlavitoCore

/// `/admin/teams`: the tenant's teams with their members, forms to rename, delete and change members, and a form
/// to add a team.
enum TeamsPage {
    static func render(principal: Principal, teams: [Team], users: [User], error: String?) -> String {
        let csrf = AppChrome.csrf(principal)
        let field = AppChrome.csrfField(csrf)
        let names = Dictionary(uniqueKeysWithValues: users.map { ($0.id, $0.displayName.isEmpty ? $0.email : $0.displayName) })
        let rows = teams.map { team in
            let key = HTML.escape(team.key)
            // Keys seeded from old labels may hold spaces or other characters: percent-encoded in paths.
            let path = HTML.escape(team.key.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-_.~")))
                                   ?? team.key)
            let members = team.members.map { user in
                """
                <li>\(HTML.escape(names[user] ?? user.description))
                <form method="post" action="/admin/teams/\(path)/members/\(user)/remove" class="inline">\(field)
                <button type="submit" class="link-button" aria-label="Remove \(HTML.escape(names[user] ?? "member")) from \(HTML.escape(team.name))">Remove</button></form></li>
                """
            }.joined()
            let candidates = users.filter { $0.status != .deactivated && !team.members.contains($0.id) }
                .map { #"<option value="\#($0.id)">\#(HTML.escape($0.displayName.isEmpty ? $0.email : $0.displayName))</option>"# }.joined()
            return """
            <tr data-team="\(key)"><td><code>\(key)</code></td>
            <td><form method="post" action="/admin/teams/\(path)" class="inline">\(field)
            <input name="name" value="\(HTML.escape(team.name))" required maxlength="100" aria-label="Name of \(key)">
            <input name="description" value="\(HTML.escape(team.description))" maxlength="500" aria-label="Description of \(key)" placeholder="description">
            <button type="submit">Rename</button></form></td>
            <td class="member-count">\(team.members.count)</td>
            <td><ul class="members">\(members)</ul>
            <form method="post" action="/admin/teams/\(path)/members" class="inline">\(field)
            <select name="user_id" aria-label="User to add to \(HTML.escape(team.name))"><option value="">Add a member…</option>\(candidates)</select>
            <button type="submit">Add</button></form></td>
            <td><form method="post" action="/admin/teams/\(path)/delete">\(field)
            <button type="submit" class="link-button" aria-label="Delete the team \(HTML.escape(team.name))">Delete</button></form></td></tr>
            """
        }.joined()
        return AppChrome.render(title: "Teams", principal: principal, csrf: csrf, error: error, body: """
        <section class="card"><div class="table-wrap"><table id="teams">
        <thead><tr><th>Key</th><th>Name</th><th>Members</th><th></th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        <p>A team with unresolved tickets cannot be deleted: move its open, pending and snoozed tickets to another team
        first. Resolved and closed tickets keep the team's key.</p></section>
        <section class="card"><h2>Add a team</h2>
        <form method="post" action="/admin/teams" id="add-team">\(field)
        <label for="team-key">Key (users and tickets refer to it; it cannot change)</label>
        <input id="team-key" name="key" required pattern="[a-z0-9][a-z0-9_-]{0,39}">
        <label for="team-name">Name</label><input id="team-name" name="name" required maxlength="100">
        <label for="team-description">Description</label><input id="team-description" name="description" maxlength="500">
        <button type="submit">Add team</button>
        </form></section>
        """)
    }
}
