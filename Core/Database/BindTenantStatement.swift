import Foundation
import PostgresNIO

/// `SELECT glavito_bind_tenant($1)`, prepared once per connection: it opens every tenant transaction.
struct BindTenantStatement: PostgresPreparedStatement {
    static let name = "glavito_bind_tenant_v1"
    static let sql = "SELECT glavito_bind_tenant($1)"
    typealias Row = Void

    var tenant: UUID

    func makeBindings() throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: 1)
        bindings.append(tenant)
        return bindings
    }

    func decodeRow(_ row: PostgresRow) throws -> Row {}
}
