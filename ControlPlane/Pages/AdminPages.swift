import GlavitoCore

/// Admin pages for users and roles.
enum AdminPages {
    static func users(principal: Principal, users: [User], roles: [Role], flash: String?, error: String?) -> String {
        let csrf = AppChrome.csrf(principal)
        func roleOptions(selected: String) -> String {
            roles.map { #"<option value="\#(HTML.escape($0.key))"\#($0.key == selected ? " selected" : "")>\#(HTML.escape($0.name))</option>"# }.joined()
        }
        let rows = users.map { user in
            """
            <tr><td>\(HTML.escape(user.displayName))<br><small>\(HTML.escape(user.email))</small></td>
            <td>\(HTML.escape(user.status.rawValue))</td><td>\(user.mfaEnrolled ? "on" : "off")</td>
            <td><form method="post" action="/admin/users/\(user.id)/role" class="inline">\(AppChrome.csrfField(csrf))
              <select name="role" aria-label="Role of \(HTML.escape(user.email))">\(roleOptions(selected: user.roleKey))</select>
              <button type="submit">Save</button></form></td>
            <td><form method="post" action="/admin/users/\(user.id)/reset-password" class="inline">\(AppChrome.csrfField(csrf))<button type="submit" class="link-button">Password link</button></form>
              <form method="post" action="/admin/users/\(user.id)/reset-mfa" class="inline">\(AppChrome.csrfField(csrf))<button type="submit" class="link-button">Reset MFA</button></form>
              <form method="post" action="/admin/users/\(user.id)/deactivate" class="inline">\(AppChrome.csrfField(csrf))<button type="submit" class="link-button">Deactivate</button></form></td></tr>
            """
        }.joined()
        return AppChrome.render(title: "Users", principal: principal, csrf: csrf, flash: flash, error: error, body: """
        <section class="card"><div class="table-wrap"><table><thead><tr><th>User</th><th>Status</th><th>MFA</th><th>Role</th><th></th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <section class="card"><h2>Invite a user</h2>
          <form method="post" action="/admin/users" class="form">\(AppChrome.csrfField(csrf))
            <label for="invite-email">Email</label><input id="invite-email" name="email" type="email" required>
            <label for="invite-name">Name</label><input id="invite-name" name="name" required>
            <label for="invite-role">Role</label><select id="invite-role" name="role">\(roleOptions(selected: "agent"))</select>
            <button type="submit">Invite</button>
          </form></section>
        """)
    }

    static func roles(principal: Principal, roles: [Role], error: String?) -> String {
        let csrf = AppChrome.csrf(principal)
        let rows = roles.map { role in
            """
            <tr><td>\(HTML.escape(role.name))<br><small>\(HTML.escape(role.key))\(role.builtIn ? " · built in" : "")</small></td>
            <td>\(HTML.escape(role.dataScope.rawValue))</td><td>\(role.mfaRequired ? "required" : "optional")</td>
            <td><small>\(role.permissions.sorted().map { HTML.escape($0.rawValue) }.joined(separator: ", "))</small></td></tr>
            """
        }.joined()
        let boxes = Permission.allCases.map { permission in
            #"<label class="check"><input type="checkbox" name="permissions" value="\#(permission.rawValue)"> \#(HTML.escape(permission.rawValue)) <small>\#(HTML.escape(permission.summary))</small></label>"#
        }.joined()
        return AppChrome.render(title: "Roles", principal: principal, csrf: csrf, error: error, body: """
        <section class="card"><div class="table-wrap"><table><thead><tr><th>Role</th><th>Data scope</th><th>MFA</th><th>Permissions</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <section class="card"><h2>Create or edit a custom role</h2>
          <p>Saving a built-in role's key changes only its MFA policy.</p>
          <form method="post" action="/admin/roles" class="form">\(AppChrome.csrfField(csrf))
            <label for="role-key">Key</label><input id="role-key" name="key" pattern="[a-z][a-z0-9_-]{0,39}" required>
            <label for="role-name">Name</label><input id="role-name" name="name" required>
            <label for="role-scope">Data scope</label>
            <select id="role-scope" name="scope"><option value="all">All tickets</option><option value="teams">My teams' tickets</option><option value="own">Only mine</option></select>
            <fieldset><legend>Permissions</legend>\(boxes)</fieldset>
            <label class="check"><input type="checkbox" name="mfa_required"> Require two-step verification</label>
            <button type="submit">Save role</button>
          </form></section>
        """)
    }
}
