import Foundation

extension OutboundRequest {
    /// A WhatsApp list message's choices: the button that opens the list and its rows in sections (the customer's
    /// pick comes back as an `interactive` `list_reply` with the row's id and title).
    public struct List: Sendable, Equatable, Codable {
        /// The label of the button that opens the list.
        public var button: String
        /// One to ten sections, ten rows in all.
        public var sections: [Section]

        /// A titled group of rows (the title is required when there are several sections).
        public struct Section: Sendable, Equatable, Codable {
            public var title: String?
            public var rows: [Row]

            public init(title: String? = nil, rows: [Row]) {
                self.title = title
                self.rows = rows
            }
        }

        /// One choice: its id comes back in the reply; the title (and description) is what the customer sees.
        public struct Row: Sendable, Equatable, Codable {
            public var id: String
            public var title: String
            public var description: String?

            public init(id: String, title: String, description: String? = nil) {
                self.id = id
                self.title = title
                self.description = description
            }
        }

        public init(button: String, sections: [Section]) {
            self.button = button
            self.sections = sections
        }
    }
}
