/// The pages of signing in: password, second factor, enrolment with a QR code, and recovery codes.
enum SignInPages {
    static func login(error: String? = nil, email: String = "") -> String {
        AppChrome.render(title: "Sign in", principal: nil, csrf: nil, error: error, body: """
        <form method="post" action="/login" class="card form narrow-form">
          <label for="email">Email</label>
          <input id="email" name="email" type="email" autocomplete="username" required value="\(HTML.escape(email))">
          <label for="password">Password</label>
          <input id="password" name="password" type="password" autocomplete="current-password" required>
          <button type="submit">Sign in</button>
        </form>
        """)
    }

    static func secondFactor(csrf: String?, error: String? = nil) -> String {
        AppChrome.render(title: "Two-step verification", principal: nil, csrf: csrf, error: error, body: """
        <form method="post" action="/login/mfa" class="card form narrow-form">
          \(AppChrome.csrfField(csrf))
          <label for="code">Code from your authenticator app, or a recovery code</label>
          <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" required autofocus>
          <button type="submit">Verify</button>
        </form>
        <form method="post" action="/logout">\(AppChrome.csrfField(csrf))<button type="submit" class="link-button">Cancel</button></form>
        """)
    }

    static func enrol(csrf: String?, qrSVG: String, secret: String, error: String? = nil, required: Bool) -> String {
        let lead = required ? "<p>Your role requires two-step verification. Set it up to continue.</p>" : ""
        let grouped = stride(from: 0, to: secret.count, by: 4).map { offset -> String in
            let start = secret.index(secret.startIndex, offsetBy: offset)
            return String(secret[start..<secret.index(start, offsetBy: min(4, secret.count - offset))])
        }.joined(separator: " ")
        return AppChrome.render(title: "Set up two-step verification", principal: nil, csrf: csrf, error: error, body: """
        \(lead)
        <div class="card">
          <p>Scan this code with an authenticator app (any app supporting TOTP), then enter the 6-digit code it shows.</p>
          <figure class="qr">\(qrSVG)</figure>
          <p>Cannot scan? Enter this key: <code id="totp-secret" data-secret="\(HTML.escape(secret))">\(HTML.escape(grouped))</code></p>
          <form method="post" action="/account/mfa" class="form">
            \(AppChrome.csrfField(csrf))
            <label for="code">6-digit code</label>
            <input id="code" name="code" inputmode="numeric" autocomplete="one-time-code" pattern="[0-9]{6}" required>
            <button type="submit">Turn on</button>
          </form>
        </div>
        """)
    }

    static func recoveryCodes(_ codes: [String]) -> String {
        let items = codes.map { "<li><code>\(HTML.escape($0))</code></li>" }.joined()
        return AppChrome.render(title: "Recovery codes", principal: nil, csrf: nil, flash: "Two-step verification is on.", body: """
        <div class="card">
          <p>Keep these codes somewhere safe. Each one signs you in once if you lose your phone. They are shown only now.</p>
          <ol class="codes" id="recovery-codes">\(items)</ol>
          <p><a href="/account">Continue to your account</a></p>
        </div>
        """)
    }
}
