import GlavitoCore
import Hummingbird

/// The tenant's view of its jobs: `/api/v1/jobs` (stats, lists, retrying and discarding dead jobs), as the
/// application role under row-level security, so a tenant only ever sees and touches its own jobs.
struct JobsController {
    let database: Database

    struct StatsResponse: Encodable {
        let queues: [QueueStats]
    }

    struct ListResponse: Encodable {
        let jobs: [JobSummary]
        /// Pass as `after` for the next page; absent on the last page.
        let next: Int64?
    }

    struct ActionResponse: Encodable {
        let id: Int64
        let outcome: String
    }

    /// Registers the routes; all require the `admin.settings` permission (a session or an API key holding it).
    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/jobs/stats", .permission(.adminSettings)) { _, context, _ in
            try JSONResponse.encode(StatsResponse(queues: try await administration(context).stats()))
        }
        routes.get("/api/v1/jobs", .permission(.adminSettings)) { request, context, _ in
            let state = request.uri.queryParameters.get("state")
            let after = try Self.integer(request.uri.queryParameters.get("after"), name: "after") ?? 0
            let limit = try Self.integer(request.uri.queryParameters.get("limit"), name: "limit") ?? 50
            guard (1...500).contains(limit) else { throw Self.badRequest("limit must be between 1 and 500") }
            do {
                let page = try await administration(context).list(state: state, afterID: after, limit: Int(limit))
                return try JSONResponse.encode(ListResponse(jobs: page, next: page.count == Int(limit) ? page.last?.id : nil))
            } catch JobQueueError.invalidJob(let reason) {
                throw Self.badRequest(reason)
            }
        }
        routes.post("/api/v1/jobs/:id/retry", .permission(.adminSettings)) { _, context, _ in
            let id = try Self.jobID(context)
            try await Self.mapErrors { try await administration(context).retry(id: id) }
            return try JSONResponse.encode(ActionResponse(id: id, outcome: "retried"))
        }
        routes.post("/api/v1/jobs/:id/discard", .permission(.adminSettings)) { _, context, _ in
            let id = try Self.jobID(context)
            try await Self.mapErrors { try await administration(context).discard(id: id) }
            return try JSONResponse.encode(ActionResponse(id: id, outcome: "discarded"))
        }
    }

    func administration(_ context: TenantRequestContext) -> JobAdministration {
        JobAdministration(database: database, tenant: context.tenant.id)
    }

    static func jobID(_ context: TenantRequestContext) throws -> Int64 {
        guard let text = context.parameters.get("id"), let id = Int64(text), id > 0 else {
            throw badRequest("the job id must be a positive whole number")
        }
        return id
    }

    static func integer(_ text: String?, name: String) throws -> Int64? {
        guard let text else { return nil }
        guard let value = Int64(text), value >= 0 else { throw badRequest("\(name) must be a whole number") }
        return value
    }

    static func badRequest(_ detail: String) -> Problem {
        Problem(status: .badRequest, type: "invalid-request", title: "Invalid request", detail: detail)
    }

    static func mapErrors(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch JobQueueError.notFound {
            throw Problem(status: .notFound, type: "job-not-found", title: "No such dead job",
                          detail: "No dead job with this id exists in this workspace.")
        } catch JobQueueError.duplicateUniqueKey {
            throw Problem(status: .conflict, type: "job-duplicate", title: "Job is pending already",
                          detail: "A pending job has the same unique key; retry this one after it finishes, or discard it.")
        }
    }
}
