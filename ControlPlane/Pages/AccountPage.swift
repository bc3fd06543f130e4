import Foundation
import GlavitoCore

/// The signed-in user's account page: sessions, password change, two-step verification.
enum AccountPage {
    static func render(principal: Principal, sessions: [Session], mfaEnrolled: Bool, flash: String?, error: String?) -> String {
        let csrf = AppChrome.csrf(principal)
        var current: SessionID?
        if case .session(let id, _, _) = principal.credential { current = id }
        let rows = sessions.map { session in
            let label = session.id == current ? "<strong>This session</strong>" : HTML.escape(session.userAgent ?? "Unknown browser")
            return """
            <tr><td>\(label)</td><td>\(HTML.escape(session.clientAddress ?? "–"))</td>
            <td><time>\(Self.format(session.lastSeenAt))</time></td>
            <td><form method="post" action="/account/sessions/\(session.id)/revoke">\(AppChrome.csrfField(csrf))<button type="submit" class="link-button">Sign out</button></form></td></tr>
            """
        }.joined()
        let mfa = mfaEnrolled
            ? #"<p id="mfa-status">Two-step verification is <strong>on</strong>. <a href="/account/mfa">Replace authenticator</a></p>"#
            : #"<p id="mfa-status">Two-step verification is <strong>off</strong>. <a href="/account/mfa">Turn it on</a></p>"#
        return AppChrome.render(title: "My account", principal: principal, csrf: csrf, flash: flash, error: error, body: """
        <section class="card"><h2>Signed in as</h2><p id="signed-in-as">\(HTML.escape(principal.displayName)) · \(HTML.escape(principal.email ?? "")) · \(HTML.escape(principal.roleKey))</p></section>
        <section class="card"><h2>Two-step verification</h2>\(mfa)</section>
        <section class="card"><h2>Sessions</h2>
          <div class="table-wrap"><table><thead><tr><th>Browser</th><th>Address</th><th>Last active</th><th></th></tr></thead><tbody>\(rows)</tbody></table></div>
          <form method="post" action="/account/sessions/revoke-all">\(AppChrome.csrfField(csrf))<button type="submit">Sign out everywhere</button></form>
        </section>
        <section class="card"><h2>Change password</h2>
          <form method="post" action="/account/password" class="form">\(AppChrome.csrfField(csrf))
            <label for="current_password">Current password</label><input id="current_password" name="current_password" type="password" autocomplete="current-password" required>
            <label for="new_password">New password</label><input id="new_password" name="new_password" type="password" autocomplete="new-password" minlength="12" required>
            <label for="confirm_password">Repeat new password</label><input id="confirm_password" name="confirm_password" type="password" autocomplete="new-password" required>
            <button type="submit">Change password</button>
          </form>
        </section>
        """)
    }

    static func format(_ date: Date) -> String {
        date.ISO8601Format()
    }
}
