import Foundation
import Logging
import PostgresNIO

/// Turns an agent's reply into a queued outbound message (or an internal note), in the caller's transaction: the
/// channel's rules are checked first (free text only inside the customer-service window, templates only if
/// approved), then the message, its delivery job and its event commit together. A web chat reply needs no job: it
/// is stored as `sent` with a `message.sent` event, and the visitor's sockets deliver it from the event log.
public struct OutboundComposer: Sendable {
    /// The tenant.
    public let tenant: TenantID
    /// Tenant data keys.
    public let keyRing: TenantKeyRing

    /// Creates a composer for `tenant`.
    public init(tenant: TenantID, keyRing: TenantKeyRing) {
        self.tenant = tenant
        self.keyRing = keyRing
    }

    /// The job kind that sends an outbound message on `channel`.
    public static func jobKind(_ channel: ChannelKind) -> String { "delivery.\(channel.rawValue)_message" }

    /// Longest free text accepted from an agent (characters).
    public static let maximumText = 20_000

    /// Queues `request` on `ticket` by `author`, returning the stored message.
    public func send(_ request: OutboundRequest, ticket ticketID: UUID, author: UUID?, requestID: String? = nil,
                     on connection: PostgresConnection, logger: Logger) async throws -> Message {
        let tickets = TicketStore(tenant: tenant)
        let ticket = try await tickets.get(ticketID, forUpdate: true, on: connection, logger: logger)
        let messages = MessageStore(tenant: tenant)
        let events = ConversationEvents(tenant: tenant, actor: author.map { "user:\($0.uuidString.lowercased())" } ?? "system", requestID: requestID)
        if let reply = request.replyToMessageID {
            let target = try await messages.get(reply, on: connection, logger: logger)
            guard target.ticketID == ticketID else { throw ConversationError.invalid("reply_to_message_id is not a message of this ticket") }
        }
        switch request.type {
        case "note":
            let text = try Self.text(request)
            var new = MessageStore.New(ticketID: ticketID, contactID: ticket.contactID, channel: ticket.lastChannel, channelAccountID: nil,
                                       direction: "note", authorKind: author == nil ? "system" : "agent", authorID: author, type: .text,
                                       text: text, replyToMessageID: request.replyToMessageID)
            new.id = UUID()
            try await messages.insert(new, on: connection, logger: logger)
            try await connection.checkedQuery("UPDATE tickets SET updated_at = now() WHERE id = \(ticketID)", logger: logger)
            try await events.ticket("message.note_added", ticket, ["message_id": new.id.uuidString.lowercased()], on: connection, logger: logger)
            return try await messages.get(new.id, on: connection, logger: logger)
        case "text", "template", "interactive":
            break
        default:
            throw ConversationError.invalid("type must be text, template, interactive or note")
        }
        guard let accountID = request.channelAccountID ?? ticket.lastChannelAccountID else {
            throw ConversationError.invalid("the ticket has no channel to reply on; name channel_account_id")
        }
        let account = try await ChannelAccountStore(tenant: tenant, keyRing: keyRing).get(accountID, on: connection, logger: logger)
        guard account.enabled else { throw ConversationError.conflict("the channel account \(account.name) is disabled") }
        let attachments = request.attachments ?? []
        if account.kind == .email {
            let total = attachments.reduce(0) { $0 + ($1.size ?? 0) }
            guard total <= OutboundAttachment.maximumBytes else {
                throw ConversationError.unsupported("an email's attachments may hold at most \(OutboundAttachment.maximumBytes / 1024 / 1024) MiB in all")
            }
            return try await EmailComposer(tenant: tenant, keyRing: keyRing)
                .compose(request, ticket: ticket, account: account, author: author, events: events, on: connection, logger: logger)
        }
        let (recipient, window) = try await self.recipient(contact: ticket.contactID, account: account, on: connection, logger: logger)
        var content: String
        var text: String?
        var type = MessageContentType.text
        var media: [(OutboundAttachment, ChannelMediaRules.Accepted)] = []
        if request.type == "template" {
            guard account.kind == .whatsapp else { throw ConversationError.invalid("templates exist only on WhatsApp") }
            guard attachments.isEmpty else { throw ConversationError.unsupported("a template carries no attachments") }
            guard let template = request.template else { throw ConversationError.invalid("a template message needs template.name and template.language") }
            let body = try await approvedTemplateBody(template, account: account.id, on: connection, logger: logger)
            text = Self.fill(body, template.parameters)
            content = try JSONCoding.encode(["template": template])
            type = .template
        } else if request.type == "interactive" {
            let interactive = try Self.interactive(request, channel: account.kind)
            guard window.open else { throw ConversationError.windowClosed(channel: account.kind, closedAt: window.closesAt) }
            text = interactive.markup
            content = try JSONCoding.encode(interactive)
            type = .interactive
        } else {
            (type, text, media) = try Self.media(request, channel: account.kind)
            guard window.open else { throw ConversationError.windowClosed(channel: account.kind, closedAt: window.closesAt) }
            content = try JSONCoding.encode(["markup": text ?? ""])
        }
        var new = MessageStore.New(ticketID: ticketID, contactID: ticket.contactID, channel: account.kind, channelAccountID: account.id,
                                   direction: "outbound", authorKind: author == nil ? "bot" : "agent", authorID: author,
                                   type: type, text: text, content: content,
                                   replyToMessageID: request.replyToMessageID, deliveryStatus: account.kind == .webchat ? .sent : .queued,
                                   recipientIdentityID: recipient)
        new.id = UUID()
        try await messages.insert(new, on: connection, logger: logger)
        try await record(media, message: new.id, on: connection, logger: logger)
        try await tickets.touch(ticketID, direction: "outbound", channel: account.kind, account: account.id, at: Date(), on: connection, logger: logger)
        let facts = ["message_id": new.id.uuidString.lowercased(), "channel": account.kind.rawValue]
        if account.kind == .webchat {
            // No job: the visitor's open sockets follow the event log and deliver the reply (docs/webchat.md).
            try await events.ticket("message.sent", ticket, facts.merging(["direction": "outbound"]) { $1 }, on: connection, logger: logger)
        } else {
            let job = try NewJob(kind: Self.jobKind(account.kind), encoding: ["message_id": new.id.uuidString.lowercased()], priority: -10,
                                 maxAttempts: 10, uniqueKey: "message:\(new.id.uuidString.lowercased())")
            _ = try await JobQueue.enqueue([job], tenant: tenant, on: connection, logger: logger, notify: true)
            try await events.ticket("message.queued", ticket, facts, on: connection, logger: logger)
        }
        return try await messages.get(new.id, on: connection, logger: logger)
    }

    /// The customer-service windows of a contact on each of the tenant's messaging accounts.
    public func windows(contact: UUID, on connection: PostgresConnection, logger: Logger) async throws -> [ChannelWindow] {
        let rows = try await connection.checkedQuery("""
            SELECT a.id, a.kind, max(w.last_inbound_at)
            FROM channel_accounts a
            LEFT JOIN channel_windows w ON w.channel_account_id = a.id AND w.contact_id = \(contact)
            WHERE a.kind IN ('whatsapp', 'instagram')
            GROUP BY a.id, a.kind
            ORDER BY a.id
            """, logger: logger)
        var out: [ChannelWindow] = []
        for try await (id, kind, last) in rows.decode((UUID, String, Date?).self) {
            out.append(ChannelWindow(channelAccountID: id, channel: ChannelKind(rawValue: kind) ?? .whatsapp, lastInboundAt: last))
        }
        return out
    }

    /// The identity a message to the contact on `account` goes to, and the window there.
    func recipient(contact: UUID, account: ChannelAccount, on connection: PostgresConnection,
                   logger: Logger) async throws -> (UUID?, ChannelWindow) {
        let rows = try await connection.checkedQuery("""
            SELECT identity_id, last_inbound_at FROM channel_windows
            WHERE channel_account_id = \(account.id) AND contact_id = \(contact)
            ORDER BY last_inbound_at DESC LIMIT 1
            """, logger: logger)
        for try await (identity, last) in rows.decode((UUID, Date).self) {
            return (identity, ChannelWindow(channelAccountID: account.id, channel: account.kind, lastInboundAt: last))
        }
        let window = ChannelWindow(channelAccountID: account.id, channel: account.kind, lastInboundAt: nil)
        guard account.kind == .whatsapp || account.kind == .instagram else { return (nil, window) }
        // Never wrote on this account: a template can still go to a WhatsApp id (or a phone) on file.
        let identities = try await ContactDirectory(tenant: tenant, keyRing: keyRing).identities(of: contact, on: connection, logger: logger)
        let wanted: [IdentityKind] = account.kind == .whatsapp ? [.whatsapp, .whatsappUser, .phone] : [.instagram]
        for kind in wanted {
            if let found = identities.first(where: { $0.kind == kind }) { return (found.id, window) }
        }
        throw ConversationError.invalid("the contact has no \(account.kind.rawValue) identity to send to")
    }

    func approvedTemplateBody(_ template: OutboundRequest.Template, account: UUID, on connection: PostgresConnection,
                              logger: Logger) async throws -> String {
        let rows = try await connection.checkedQuery("""
            SELECT components::text FROM message_templates
            WHERE channel_account_id = \(account) AND name = \(template.name) AND language = \(template.language) AND status = 'APPROVED'
            """, logger: logger)
        for try await components in rows.decode(String.self) {
            let body = Self.templateBody(components)
            let expected = Self.placeholderCount(body)
            guard template.parameters.count == expected else {
                throw ConversationError.invalid("template \(template.name) takes \(expected) parameters, got \(template.parameters.count)")
            }
            return body
        }
        throw ConversationError.invalid("no approved template \(template.name) (\(template.language)) on this channel; sync the templates first")
    }

    /// The BODY component's text of a template's components JSON.
    public static func templateBody(_ components: String) -> String {
        guard case .array(let items) = JSONValue.parse(components) else { return "" }
        for item in items {
            let fields = item.objectValue
            if case .string(let type) = fields["type"] ?? .null, type.uppercased() == "BODY", case .string(let text) = fields["text"] ?? .null {
                return text
            }
        }
        return ""
    }

    /// How many distinct `{{n}}` placeholders a template body has.
    public static func placeholderCount(_ body: String) -> Int {
        var numbers = Set<Int>()
        var rest = Substring(body)
        while let open = rest.range(of: "{{") {
            rest = rest[open.upperBound...]
            guard let close = rest.range(of: "}}") else { break }
            if let number = Int(rest[..<close.lowerBound].trimmingCharacters(in: .whitespaces)) { numbers.insert(number) }
            rest = rest[close.upperBound...]
        }
        return numbers.count
    }

    /// The body with `{{n}}` replaced by the n-th parameter.
    public static func fill(_ body: String, _ parameters: [String]) -> String {
        var out = body
        for (index, value) in parameters.enumerated() { out = out.replacingOccurrences(of: "{{\(index + 1)}}", with: value) }
        return out
    }

    static func text(_ request: OutboundRequest) throws -> String {
        guard let text = request.text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else {
            throw ConversationError.invalid("text must not be empty")
        }
        guard text.count <= maximumText else { throw ConversationError.invalid("text is longer than \(maximumText) characters") }
        return text
    }
}
