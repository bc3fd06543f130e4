import Foundation

/// `SELECT glavito_bind_tenant($1)`, prepared once per connection (see ``PreparedSQL``): it opens every tenant
/// transaction.
enum BindTenantStatement: PreparedSQL {
    static let name = "glavito_bind_tenant_v1"
    static let sql = "SELECT glavito_bind_tenant($1)"
}
