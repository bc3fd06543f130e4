import Synchronization

/// The partitions a consumer group member currently owns, shared between its heartbeat and processing tasks.
final class OwnedPartitions: Sendable {
    private let partitions: Mutex<[Int]>

    init(_ initial: [Int]) {
        partitions = Mutex(initial)
    }

    func get() -> [Int] { partitions.withLock { $0 } }

    func set(_ value: [Int]) { partitions.withLock { $0 = value } }
}
