/// An event to append: what happened (`type`), its facts (`data`, JSON) and its context (`metadata`, JSON: actor,
/// request id, causation and correlation ids).
public struct NewEvent: Sendable, Equatable {
    /// A dotted name such as `ticket.created`.
    public var type: String
    /// The event's JSON document.
    public var data: String
    /// A JSON object of context; `{}` when there is none.
    public var metadata: String

    /// Creates an event from JSON text.
    public init(type: String, data: String, metadata: String = "{}") {
        self.type = type
        self.data = data
        self.metadata = metadata
    }

    /// Creates an event from an encodable value and metadata.
    public init<T: Encodable>(type: String, value: T, metadata: EventMetadata = EventMetadata()) throws {
        self.init(type: type, data: try JSONCoding.encode(value), metadata: try JSONCoding.encode(metadata))
    }
}

/// Who and what caused an event.
public struct EventMetadata: Sendable, Equatable, Codable {
    /// The actor, e.g. `user:<id>`, `contact:<id>`, `system`.
    public var actor: String?
    /// The request that appended it.
    public var requestID: String?
    /// The event or command that caused it.
    public var causationID: String?
    /// The conversation of events it belongs to.
    public var correlationID: String?

    enum CodingKeys: String, CodingKey {
        case actor
        case requestID = "request_id"
        case causationID = "causation_id"
        case correlationID = "correlation_id"
    }

    /// Creates metadata.
    public init(actor: String? = nil, requestID: String? = nil, causationID: String? = nil, correlationID: String? = nil) {
        self.actor = actor
        self.requestID = requestID
        self.causationID = causationID
        self.correlationID = correlationID
    }
}
