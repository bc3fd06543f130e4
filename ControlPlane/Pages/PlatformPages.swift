import GlavitoCore

/// Pages of the platform operators' realm.
enum PlatformPages {
    static func login(error: String? = nil) -> String {
        AppChrome.render(title: "Platform sign-in", principal: nil, csrf: nil, error: error, body: """
        <form method="post" action="/platform/login" class="card form narrow-form">
          <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
          <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
          <label for="code">Authenticator code</label><input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required>
          <button type="submit">Sign in</button>
        </form>
        """)
    }

    static func tenants(operator signedIn: PlatformOperators.Operator, csrf: String, tenants: [Tenant]) -> String {
        let rows = tenants.map { "<tr><td>\(HTML.escape($0.slug))</td><td>\(HTML.escape($0.name))</td><td>\(HTML.escape($0.status.rawValue))</td><td>\(HTML.escape($0.plan))</td></tr>" }.joined()
        return AppChrome.render(title: "Tenants", principal: nil, csrf: nil, body: """
        <p id="operator">Signed in as platform operator \(HTML.escape(signedIn.email))</p>
        <section class="card"><div class="table-wrap"><table><thead><tr><th>Slug</th><th>Name</th><th>Status</th><th>Plan</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <form method="post" action="/platform/logout">\(AppChrome.csrfField(csrf))<button type="submit">Sign out</button></form>
        """)
    }
}
