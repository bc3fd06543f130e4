import Foundation
import PostgresNIO

/// A job as a worker holds it after a claim: its identity, its input and the lease (owner and fencing token)
/// that every later state change is guarded by.
public struct JobRecord: Sendable, Equatable {
    /// The tenant the job runs for.
    public let tenant: TenantID
    /// The job's id (unique across tenants).
    public let id: Int64
    /// The handler kind, `<queue>.<name>`.
    public let kind: String
    /// The queue.
    public let queue: String
    /// Lower runs first.
    public let priority: Int
    /// This attempt's number, from 1.
    public let attempt: Int
    /// Attempts allowed before the dead-letter state.
    public let maxAttempts: Int
    /// The fencing token: incremented by every claim, so only the latest holder's completion counts.
    public let fence: Int64
    /// The worker holding the lease.
    public let leaseOwner: String
    /// JSON text.
    public let payload: String
    /// When the job was enqueued.
    public let createdAt: Date
    /// When the job became runnable.
    public let runAt: Date

    /// Decodes the payload.
    public func decodePayload<Payload: Decodable>(as type: Payload.Type) throws -> Payload {
        try JSONCoding.decode(type, from: payload)
    }

    /// The identity and lease token used by completion, failure, heartbeat and release.
    public var lease: JobLease { JobLease(tenant: tenant, id: id, fence: fence) }

    typealias Columns = (UUID, Int64, String, String, Int16, Int32, Int32, Int64, String, String, Date, Date)

    /// The columns ``Columns`` decodes, in order.
    static let selectList = """
        j.tenant_id, j.id, j.kind, j.queue, j.priority, j.attempt, j.max_attempts, j.fence, j.lease_owner, \
        j.payload::text, j.created_at, j.run_at
        """

    init(_ c: Columns) {
        self.init(
            tenant: TenantID(c.0), id: c.1, kind: c.2, queue: c.3, priority: Int(c.4), attempt: Int(c.5),
            maxAttempts: Int(c.6), fence: c.7, leaseOwner: c.8, payload: c.9, createdAt: c.10, runAt: c.11
        )
    }

    /// Creates a record (tests and tools; workers get records from claims).
    public init(
        tenant: TenantID, id: Int64, kind: String, queue: String, priority: Int, attempt: Int, maxAttempts: Int,
        fence: Int64, leaseOwner: String, payload: String, createdAt: Date, runAt: Date
    ) {
        self.tenant = tenant
        self.id = id
        self.kind = kind
        self.queue = queue
        self.priority = priority
        self.attempt = attempt
        self.maxAttempts = maxAttempts
        self.fence = fence
        self.leaseOwner = leaseOwner
        self.payload = payload
        self.createdAt = createdAt
        self.runAt = runAt
    }
}

/// A job's identity plus the fencing token of one claim.
public struct JobLease: Sendable, Hashable {
    /// The tenant.
    public let tenant: TenantID
    /// The job id.
    public let id: Int64
    /// The fencing token of the claim this lease came from.
    public let fence: Int64

    /// Creates a lease value.
    public init(tenant: TenantID, id: Int64, fence: Int64) {
        self.tenant = tenant
        self.id = id
        self.fence = fence
    }
}
