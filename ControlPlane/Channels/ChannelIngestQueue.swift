import Foundation
import GlavitoCore
import Logging
import Synchronization

/// Group commit for channel webhooks: webhooks of one tenant arriving while that tenant's ingest transaction runs
/// wait and then commit together in the next one, so a burst costs a few transactions instead of one each.
///
/// No background task: a caller finding fewer than ``concurrency`` transactions of its tenant running leads (runs
/// one for itself and whoever queued, up to ``maximumBatch``), then hands the lead to the oldest waiter, if any.
/// Locks are taken up front in one sorted order by ``InboundIngestor``, so concurrent transactions do not deadlock
/// on advisory locks. Every caller gets its own outcome only
/// after the transaction holding its messages committed. If a combined transaction fails, each of its webhooks is
/// retried alone, so one bad webhook cannot fail the others.
final class ChannelIngestQueue: Sendable {
    typealias Outcome = InboundIngestor.Outcome

    struct Waiter: Sendable {
        let batch: ChannelWebhookBatch
        let account: ChannelAccount
        let continuation: CheckedContinuation<Turn, Never>
    }

    enum Turn: Sendable {
        case done(Result<Outcome, any Error>)
        case lead
    }

    struct TenantQueue: Sendable {
        /// Transactions of the tenant running now.
        var leaders = 0
        var waiting: [Waiter] = []
    }

    let database: Database
    let keyRing: TenantKeyRing
    let maximumBatch: Int
    /// Transactions one tenant may run at once in this process; more webhooks wait for the next one.
    let concurrency: Int
    private let queues = Mutex<[TenantID: TenantQueue]>([:])

    init(database: Database, keyRing: TenantKeyRing, maximumBatch: Int = 64, concurrency: Int) {
        self.database = database
        self.keyRing = keyRing
        self.maximumBatch = maximumBatch
        self.concurrency = concurrency
    }

    /// Ingests `batch` for `account` of `tenant`; returns once it is committed.
    func ingest(_ batch: ChannelWebhookBatch, account: ChannelAccount, tenant: TenantID) async throws -> Outcome {
        let turn = await withCheckedContinuation { (continuation: CheckedContinuation<Turn, Never>) in
            let leads = queues.withLock { queues -> Bool in
                if queues[tenant, default: TenantQueue()].leaders >= concurrency {
                    queues[tenant, default: TenantQueue()].waiting.append(Waiter(batch: batch, account: account, continuation: continuation))
                    return false
                }
                queues[tenant, default: TenantQueue()].leaders += 1
                return true
            }
            if leads { continuation.resume(returning: .lead) }
        }
        switch turn {
        case .done(let result):
            return try result.get()
        case .lead:
            let others = queues.withLock { queues -> [Waiter] in
                let taken = Array(queues[tenant, default: TenantQueue()].waiting.prefix(maximumBatch - 1))
                queues[tenant, default: TenantQueue()].waiting.removeFirst(taken.count)
                return taken
            }
            let results = await commit([(batch, account)] + others.map { ($0.batch, $0.account) }, tenant: tenant)
            for (waiter, result) in zip(others, results.dropFirst()) { waiter.continuation.resume(returning: .done(result)) }
            // Hand the lead to the oldest waiter (its own webhook goes first in its transaction), or step down.
            let next = queues.withLock { queues -> Waiter? in
                if queues[tenant, default: TenantQueue()].waiting.isEmpty {
                    queues[tenant, default: TenantQueue()].leaders -= 1
                    if queues[tenant]?.leaders == 0 { queues[tenant] = nil }
                    return nil
                }
                return queues[tenant, default: TenantQueue()].waiting.removeFirst()
            }
            next?.continuation.resume(returning: .lead)
            return try results[0].get()
        }
    }

    /// One transaction for all of `items`; if it fails and there were several, one transaction each.
    func commit(_ items: [(ChannelWebhookBatch, ChannelAccount)], tenant: TenantID) async -> [Result<Outcome, any Error>] {
        let ingestor = InboundIngestor(tenant: tenant, keyRing: keyRing)
        let logger = database.logger
        do {
            let outcomes = try await database.withTenantTransaction(tenant, genericPlans: true) { connection in
                try await ingestor.ingest(items, on: connection, logger: logger)
            }
            return outcomes.map { .success($0) }
        } catch {
            guard items.count > 1 else { return [.failure(error)] }
            logger.warning("a combined ingest failed; retrying its webhooks one by one",
                           metadata: ["glavito.webhooks": "\(items.count)", "glavito.error": "\(String(describing: error).prefix(300))"])
            var results: [Result<Outcome, any Error>] = []
            for item in items {
                do {
                    results.append(.success(try await database.withTenantTransaction(tenant, genericPlans: true) { connection in
                        try await ingestor.ingest([item], on: connection, logger: logger)[0]
                    }))
                } catch {
                    results.append(.failure(error))
                }
            }
            return results
        }
    }
}
