import Foundation

/// Where a live subscriber is in the event log: the last position it has been given of each partition.
///
/// Positions are gap-free and in commit order within a partition (see docs/events.md), so resuming after a cursor
/// is exact: nothing committed is skipped, nothing already given is given again. Clients treat the text form as
/// opaque.
public struct LiveCursor: Sendable, Equatable, CustomStringConvertible {
    /// Position per partition; a partition that is absent counts as position 0.
    public private(set) var positions: [Int: Int64]

    /// Creates a cursor from positions.
    public init(_ positions: [Int: Int64] = [:]) {
        self.positions = positions
    }

    /// The position of `partition` (0 when the cursor has none).
    public func position(_ partition: Int) -> Int64 { positions[partition] ?? 0 }

    /// Whether the event at `partition`/`position` is at or before this cursor (already given).
    public func covers(partition: Int, position: Int64) -> Bool { position <= self.position(partition) }

    /// Moves `partition` forward to `position` (never backwards).
    public mutating func advance(partition: Int, to position: Int64) {
        if position > self.position(partition) { positions[partition] = position }
    }

    /// The opaque text form. Made for every event sent, so it is kept cheap: `c1.` and the positions of
    /// partitions 0, 1, 2, … joined by `.` (up to the highest partition the cursor knows).
    public var description: String {
        guard let highest = positions.keys.max() else { return "c1." }
        var text = "c1."
        text.reserveCapacity(4 + (highest + 1) * 8)
        for partition in 0...highest {
            if partition > 0 { text += "." }
            text += String(positions[partition] ?? 0)
        }
        return text
    }

    /// Parses the text form; `nil` when it is not a cursor this server issued.
    public init?(_ text: String) {
        guard text.hasPrefix("c1."), text.utf8.count <= 16_384 else { return nil }
        let body = text.dropFirst(3)
        var positions: [Int: Int64] = [:]
        if !body.isEmpty {
            let parts = body.split(separator: ".", omittingEmptySubsequences: false)
            guard parts.count <= 1024 else { return nil }
            for (partition, part) in parts.enumerated() {
                guard let position = Int64(part), position >= 0 else { return nil }
                if position > 0 { positions[partition] = position }
            }
        }
        self.positions = positions
    }
}
