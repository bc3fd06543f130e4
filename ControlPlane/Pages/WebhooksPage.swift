import Foundation
import GlavitoCore

/// `/admin/webhooks`: the tenant's webhook subscriptions, their state, and the notices raised for admins (a
/// subscription disabled after a run of failures). Read-only; changes go through `/api/v1/webhooks`.
enum WebhooksPage {
    static func render(principal: Principal, subscriptions: [WebhookSubscription], notices: [AdminNotice]) -> String {
        let rows = subscriptions.map { subscription in
            let state = subscription.enabled
                ? "enabled"
                : "disabled" + (subscription.disabledReason.map { ": \(HTML.escape($0))" } ?? "")
            return """
            <tr><td>\(HTML.escape(subscription.url))<br><small>\(HTML.escape(subscription.description))</small></td>
            <td><small>\(subscription.eventTypes.map(HTML.escape).joined(separator: ", "))</small></td>
            <td>\(state)</td><td>\(subscription.consecutiveFailures)</td>
            <td><small>\(subscription.id.uuidString.lowercased())</small></td></tr>
            """
        }.joined()
        let noticeItems = notices.map { notice in
            """
            <li><strong>\(HTML.escape(notice.subject))</strong> <small>\(ISO8601DateFormatter().string(from: notice.createdAt))</small>
            <br>\(HTML.escape(notice.message))</li>
            """
        }.joined()
        return AppChrome.render(title: "Webhooks", principal: principal, csrf: AppChrome.csrf(principal), body: """
        \(notices.isEmpty ? "" : #"<section class="card" role="alert"><h2>Notices</h2><ul>\#(noticeItems)</ul></section>"#)
        <section class="card"><div class="table-wrap"><table>
        <thead><tr><th>URL</th><th>Event types</th><th>State</th><th>Failures in a row</th><th>Id</th></tr></thead>
        <tbody>\(rows)</tbody></table></div>
        <p>Manage subscriptions, read delivery logs and redeliver through the API: see the webhooks documentation.</p></section>
        """)
    }
}
