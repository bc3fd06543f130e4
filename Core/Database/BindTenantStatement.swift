import Foundation

/// Binds the transaction's tenant, prepared once per connection (see ``PreparedSQL``): it opens every tenant
/// transaction. It does what `glavito_bind_tenant($1)` (migration 0001) does, written out: a SQL function returning
/// void is not inlined, so calling it parsed and planned its body in every transaction.
enum BindTenantStatement: PreparedSQL {
    static let name = "glavito_bind_tenant_v2"
    static let sql = """
        SELECT set_config('app.tenant_id', $1::uuid::text, true),
               set_config('app.tenant_bound_at', extract(epoch FROM transaction_timestamp())::text, true)
        """
}
