import Foundation
import GlavitoCore
import Hummingbird

/// `/api/v1/saved-filters`: the signed-in agent's saved inbox filters (list, save, delete); API keys have none.
struct SavedFiltersController {
    let api: ConversationAPI

    func addRoutes(to routes: SecuredRoutes) {
        routes.get("/api/v1/saved-filters", .permission(.ticketsRead)) { _, _, input in
            let filters = try await api.transaction(input) { connection, principal in
                try await store(principal).list(on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(["saved_filters": filters])
        }
        routes.post("/api/v1/saved-filters", .permission(.ticketsRead)) { _, _, input in
            let filter = try ConversationAPI.decode(SavedFilter.self, input)
            let saved = try await api.transaction(input) { connection, principal in
                try await store(principal).save(filter, on: connection, logger: api.logger)
            }
            return try JSONResponse.encode(saved, status: .created)
        }
        routes.delete("/api/v1/saved-filters/:id", .permission(.ticketsRead)) { _, context, input in
            let id = try ConversationAPI.uuid(context)
            let deleted = try await api.transaction(input) { connection, principal in
                try await store(principal).delete(id, on: connection, logger: api.logger)
            }
            guard deleted else { throw ConversationAPI.notFound("no saved filter \(id.uuidString.lowercased())") }
            return Response(status: .noContent)
        }
    }

    func store(_ principal: Principal) throws -> SavedFilterStore {
        guard let user = principal.userID else { throw JobsController.badRequest("saved filters belong to a signed-in user, not an API key") }
        return SavedFilterStore(tenant: principal.tenant, user: user.rawValue)
    }
}
