import Foundation
import GlavitoCore

/// The embeddable widget: ControlPlane/Web/webchat/widget.js (plain JavaScript, no build step, no third-party
/// requests) with the channel's settings and the tenant's branding put in place of its `/*GLAVITO_CONFIG*/{}`.
enum WebChatWidget {
    /// The widget's source, read once.
    static let source: String = {
        guard let url = Bundle.module.url(forResource: "widget", withExtension: "js", subdirectory: "Web/webchat"),
              let text = try? String(contentsOf: url, encoding: .utf8) else { return "" }
        return text
    }()

    static let placeholder = "/*GLAVITO_CONFIG*/{}"

    /// The script for `account` in the colours of `branding`.
    static func script(account: ChannelAccount, branding: Branding) -> String {
        let color = Branding.isColor(branding.primaryColor) ? branding.primaryColor : "#2563eb"
        let config: [String: Any] = [
            "channel": account.id.uuidString.lowercased(),
            "title": branding.displayName,
            "color": color,
            "greeting": account.settings["greeting"] ?? "Hi! How can we help?",
        ]
        return source.replacingOccurrences(of: placeholder, with: scriptLiteral(config))
    }

    /// `object` as JSON that is also safe inside a script (no `<`, no line separators).
    static func scriptLiteral(_ object: [String: Any]) -> String {
        LiveFrames.serialise(object)
            .replacingOccurrences(of: "<", with: "\\u003c")
            .replacingOccurrences(of: "\u{2028}", with: "\\u2028")
            .replacingOccurrences(of: "\u{2029}", with: "\\u2029")
    }
}
