import Foundation

/// A reader's place in the log: the last position seen in each partition.
///
/// Positions are gap-free and commit-ordered within a partition, so "everything above these positions" is exactly
/// what the reader has not seen, however late a slow transaction committed. The text form (``description``) is an
/// opaque token for API clients and browsers: `c1.` followed by one position per partition, joined by dots.
public struct EventCursor: Sendable, Equatable, CustomStringConvertible {
    /// The last position seen, indexed by partition; partitions past the end of the array count as 0.
    public private(set) var positions: [Int64]

    /// The start of the log.
    public static let beginning = EventCursor(positions: [])

    /// A cursor at the given positions.
    public init(positions: [Int64]) {
        var trimmed = positions.map { max(0, $0) }
        while trimmed.last == 0 { trimmed.removeLast() }
        self.positions = trimmed
    }

    /// Parses a token made by ``description``; `nil` when it is not one.
    public init?(_ text: String) {
        guard text.hasPrefix("c1."), text.utf8.count <= 4096 else { return nil }
        let rest = text.dropFirst(3)
        let fields = rest.isEmpty ? [] : rest.split(separator: ".", omittingEmptySubsequences: false)
        guard fields.count <= 1024 else { return nil }
        var positions: [Int64] = []
        for field in fields {
            guard !field.isEmpty, field.utf8.allSatisfy({ (0x30...0x39).contains($0) }), let value = Int64(field) else { return nil }
            positions.append(value)
        }
        self.init(positions: positions)
    }

    /// The last position seen in `partition`.
    public func position(in partition: Int) -> Int64 {
        partition < positions.count ? positions[partition] : 0
    }

    /// This cursor moved past `event` (never backwards).
    public func advanced(past event: RecordedEvent) -> EventCursor {
        var positions = self.positions
        if positions.count <= event.partition { positions += Array(repeating: 0, count: event.partition + 1 - positions.count) }
        positions[event.partition] = max(positions[event.partition], event.position)
        return EventCursor(positions: positions)
    }

    /// This cursor moved past every event of `events`.
    public func advanced(past events: [RecordedEvent]) -> EventCursor {
        events.reduce(self) { $0.advanced(past: $1) }
    }

    /// Whether `event` lies after this cursor (not yet seen).
    public func isBefore(_ event: RecordedEvent) -> Bool {
        event.position > position(in: event.partition)
    }

    /// The token: `c1.` and the positions joined by dots (`c1.` alone is the beginning).
    public var description: String {
        "c1." + positions.map(String.init).joined(separator: ".")
    }
}
