import Foundation

/// An event as stored: its stream and version, its place in the log, and its content.
public struct RecordedEvent: Sendable, Equatable, Codable {
    /// The tenant it belongs to.
    public var tenant: TenantID
    /// The stream, e.g. `ticket/<id>`.
    public var stream: String
    /// Its version within the stream, from 1.
    public var version: Int
    /// The partition of its stream.
    public var partition: Int
    /// Its position within the partition, from 1, gap-free and in commit order.
    public var position: Int64
    /// The event type.
    public var type: String
    /// The JSON document.
    public var data: String
    /// The JSON metadata.
    public var metadata: String
    /// When it was recorded.
    public var recordedAt: Date

    /// Creates a recorded event.
    public init(
        tenant: TenantID, stream: String, version: Int, partition: Int, position: Int64,
        type: String, data: String, metadata: String, recordedAt: Date
    ) {
        self.tenant = tenant
        self.stream = stream
        self.version = version
        self.partition = partition
        self.position = position
        self.type = type
        self.data = data
        self.metadata = metadata
        self.recordedAt = recordedAt
    }
}
