/// Errors of the job queue's own making (database errors pass through unchanged).
public enum JobQueueError: Error, Equatable, CustomStringConvertible {
    /// A job description was rejected before reaching the database.
    case invalidJob(String)
    /// No job with this id is visible (to this tenant, under row-level security) in the required state.
    case notFound(Int64)
    /// Retrying a dead job would duplicate a pending job with the same unique key.
    case duplicateUniqueKey(Int64)

    public var description: String {
        switch self {
        case .invalidJob(let reason): "invalid job: \(reason)"
        case .notFound(let id): "no such job: \(id)"
        case .duplicateUniqueKey(let id): "job \(id) has the unique key of a job that is pending already"
        }
    }
}

/// Thrown by a handler to steer its job instead of failing it.
public enum JobControl: Error, Sendable, Equatable {
    /// Run the job again after `delay` without counting this attempt (e.g. a provider asked us to wait).
    case snooze(Duration)
    /// Stop for good: the job leaves the queue and is recorded as cancelled with `reason`.
    case cancel(reason: String)
}
