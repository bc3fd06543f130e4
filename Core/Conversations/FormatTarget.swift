/// What a message written in the agents' markup is rendered for (see ``ChannelFormatter``).
public enum FormatTarget: String, Sendable, Codable, CaseIterable, Hashable {
    /// WhatsApp's own markers: `*bold*`, `_italic_`, `~strike~`, `` `code` ``, ```` ```mono``` ````.
    case whatsapp
    /// Plain text without markers (Instagram).
    case plain
    /// Escaped HTML (web chat, email).
    case html
}
