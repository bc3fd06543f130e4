import Foundation

/// A reader's place in the log: the last position seen in each partition.
///
/// Positions are gap-free and commit-ordered within a partition, so "everything above these positions" is exactly
/// what the reader has not seen, however late a slow transaction committed. The replay API and live updates hand
/// out its text form (``description``) as an opaque token: `c1.` followed by one position per partition, joined by
/// dots.
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

    /// A cursor at the given positions by partition; absent partitions count as 0.
    public init(_ byPartition: [Int: Int64] = [:]) {
        var positions = Array(repeating: Int64(0), count: (byPartition.keys.max() ?? -1) + 1)
        for (partition, position) in byPartition where partition >= 0 { positions[partition] = position }
        self.init(positions: positions)
    }

    /// Parses a token made by ``description``; `nil` when it is not one.
    public init?(_ text: String) {
        guard text.hasPrefix("c1."), text.utf8.count <= 16_384 else { return nil }
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
    public func position(_ partition: Int) -> Int64 {
        partition < positions.count ? positions[partition] : 0
    }

    /// Whether the event at `position` of `partition` is at or before this cursor (already seen).
    public func covers(partition: Int, position: Int64) -> Bool {
        position <= self.position(partition)
    }

    /// Moves `partition` forward to `position` (never backwards).
    public mutating func advance(partition: Int, to position: Int64) {
        guard partition >= 0, position > self.position(partition) else { return }
        if positions.count <= partition { positions += Array(repeating: 0, count: partition + 1 - positions.count) }
        positions[partition] = position
    }

    /// The token: `c1.` and the positions joined by dots (`c1.` alone is the beginning). Made for every live event
    /// sent, so it is built in one pass.
    public var description: String {
        var text = "c1."
        text.reserveCapacity(3 + positions.count * 8)
        for (partition, position) in positions.enumerated() {
            if partition > 0 { text += "." }
            text += String(position)
        }
        return text
    }
}
