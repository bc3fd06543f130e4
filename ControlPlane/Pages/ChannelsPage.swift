import Foundation
import GlavitoCore

/// `/admin/channels`: the tenant's channel accounts with the webhook URL to give Meta, which secrets are set (never
/// their values), and a form to connect WhatsApp, Instagram or a web chat widget.
enum ChannelsPage {
    static func render(principal: Principal, channels: [ChannelAccount], publicURL: String, flash: String? = nil, error: String? = nil) -> String {
        let csrf = AppChrome.csrf(principal)
        let rows = channels.map { channel in
            let webhook = channel.kind == .whatsapp || channel.kind == .instagram
                ? "<code>\(HTML.escape("\(publicURL)/webhooks/\(channel.kind.rawValue)/\(channel.id.uuidString.lowercased())"))</code>"
                : "<small>web chat widget</small>"
            return """
            <tr><td>\(HTML.escape(channel.name))<br><small>\(HTML.escape(channel.kind.rawValue))\(channel.externalID.map { " · " + HTML.escape($0) } ?? "")</small></td>
            <td>\(webhook)</td><td><small>\(channel.secretsSet.isEmpty ? "none" : channel.secretsSet.map(HTML.escape).joined(separator: ", "))</small></td>
            <td>\(channel.enabled ? "enabled" : "disabled")</td></tr>
            """
        }.joined()
        return AppChrome.render(title: "Channels", principal: principal, csrf: csrf, flash: flash, error: error, body: """
        <section class="card"><div class="table-wrap"><table>
        <thead><tr><th>Channel</th><th>Webhook URL (callback URL in Meta's app dashboard)</th><th>Secrets set</th><th>State</th></tr></thead>
        <tbody>\(rows)</tbody></table></div></section>
        <section class="card"><h2>Connect a channel</h2>
          <form method="post" action="/admin/channels" class="form" autocomplete="off">\(AppChrome.csrfField(csrf))
            <label for="channel-kind">Kind</label>
            <select id="channel-kind" name="kind"><option value="whatsapp">WhatsApp</option><option value="instagram">Instagram</option>
              <option value="webchat">Web chat</option></select>
            <label for="channel-name">Name</label><input id="channel-name" name="name" required maxlength="200">
            <label for="channel-external">Phone number id (WhatsApp) or Instagram account id</label>
            <input id="channel-external" name="external_id" maxlength="64">
            <label for="channel-waba">WhatsApp Business Account id</label><input id="channel-waba" name="waba_id" maxlength="64">
            <label for="channel-token">Access token</label><input id="channel-token" name="access_token" type="password">
            <label for="channel-secret">App secret</label><input id="channel-secret" name="app_secret" type="password">
            <label for="channel-verify">Verify token (you choose it; Meta echoes it when you save the callback URL)</label>
            <input id="channel-verify" name="verify_token" type="password">
            <p><small>Secrets are encrypted when saved and never shown again.</small></p>
            <button type="submit">Connect</button>
          </form></section>
        """)
    }
}
