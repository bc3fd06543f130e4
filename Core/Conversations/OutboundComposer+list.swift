import Foundation

/// WhatsApp list messages: the limits and the check of an agent's list.
extension OutboundComposer {
    /// WhatsApp's limits on list messages (Cloud API, interactive `list` messages).
    public static let maximumListBody = 4096
    public static let maximumListRows = 10
    public static let maximumListSections = 10
    public static let maximumListButton = 20
    public static let maximumSectionTitle = 24
    public static let maximumRowID = 200
    public static let maximumRowTitle = 24
    public static let maximumRowDescription = 72

    /// `list` trimmed and checked against WhatsApp's limits: a button label of 1 to 20 characters; 1 to 10 sections,
    /// each titled (at most 24 characters) when there are several; 1 to 10 rows in all, with unique ids (at most 200
    /// characters), titles of 1 to 24 and descriptions of at most 72 characters (an empty one is left out).
    static func checkedList(_ list: OutboundRequest.List) throws -> OutboundRequest.List {
        func trimmed(_ text: String) -> String { text.trimmingCharacters(in: .whitespacesAndNewlines) }
        let button = trimmed(list.button)
        guard (1...maximumListButton).contains(button.count) else {
            throw ConversationError.unsupported("list.button must have 1 to \(maximumListButton) characters; \"\(button)\" has \(button.count)")
        }
        guard (1...maximumListSections).contains(list.sections.count) else {
            throw ConversationError.unsupported("a list needs 1 to \(maximumListSections) sections; it has \(list.sections.count)")
        }
        var sections: [OutboundRequest.List.Section] = []
        var ids = Set<String>()
        for (index, section) in list.sections.enumerated() {
            let title = section.title.map(trimmed).flatMap { $0.isEmpty ? nil : $0 }
            if list.sections.count > 1, title == nil {
                throw ConversationError.unsupported("list.sections[\(index)].title is required when a list has several sections")
            }
            if let title, title.count > maximumSectionTitle {
                throw ConversationError.unsupported("list.sections[\(index)].title may have at most \(maximumSectionTitle) characters; \"\(title)\" has \(title.count)")
            }
            guard !section.rows.isEmpty else { throw ConversationError.unsupported("list.sections[\(index)] has no rows") }
            var rows: [OutboundRequest.List.Row] = []
            for (position, row) in section.rows.enumerated() {
                let place = "list.sections[\(index)].rows[\(position)]"
                let (id, rowTitle) = (trimmed(row.id), trimmed(row.title))
                let description = row.description.map(trimmed).flatMap { $0.isEmpty ? nil : $0 }
                guard (1...maximumRowID).contains(id.count) else { throw ConversationError.unsupported("\(place).id must have 1 to \(maximumRowID) characters") }
                guard (1...maximumRowTitle).contains(rowTitle.count) else {
                    throw ConversationError.unsupported("\(place).title must have 1 to \(maximumRowTitle) characters; \"\(rowTitle)\" has \(rowTitle.count)")
                }
                if let description, description.count > maximumRowDescription {
                    throw ConversationError.unsupported("\(place).description may have at most \(maximumRowDescription) characters; it has \(description.count)")
                }
                guard ids.insert(id).inserted else { throw ConversationError.unsupported("list row ids must be unique; \"\(id)\" is repeated") }
                rows.append(OutboundRequest.List.Row(id: id, title: rowTitle, description: description))
            }
            sections.append(OutboundRequest.List.Section(title: title, rows: rows))
        }
        guard ids.count <= maximumListRows else {
            throw ConversationError.unsupported("a list may have at most \(maximumListRows) rows in all; this has \(ids.count)")
        }
        return OutboundRequest.List(button: button, sections: sections)
    }
}
