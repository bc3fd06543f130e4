import Foundation

/// Where a live subscriber is in the event log: the last position it has been given of each partition.
///
/// Positions are gap-free and in commit order within a partition (see docs/events.md), so resuming after a cursor
/// is exact: nothing committed is skipped, nothing already given is given again. Clients treat the text form as
/// opaque (`c1.` followed by base64url of `partition:position` pairs).
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

    /// The opaque text form.
    public var description: String {
        let pairs = positions.keys.sorted().map { "\($0):\(positions[$0] ?? 0)" }.joined(separator: ",")
        let base64 = Data(pairs.utf8).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        return "c1." + base64
    }

    /// Parses the text form; `nil` when it is not a cursor this server issued.
    public init?(_ text: String) {
        guard text.hasPrefix("c1."), text.utf8.count <= 2048 else { return nil }
        var base64 = String(text.dropFirst(3)).replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base64.utf8.count % 4 != 0 { base64 += "=" }
        guard let data = Data(base64Encoded: base64) else { return nil }
        var positions: [Int: Int64] = [:]
        for pair in String(decoding: data, as: UTF8.self).split(separator: ",") {
            let parts = pair.split(separator: ":")
            guard parts.count == 2, let partition = Int(parts[0]), let position = Int64(parts[1]),
                  (0..<1024).contains(partition), position >= 0 else { return nil }
            positions[partition] = position
        }
        self.positions = positions
    }
}
