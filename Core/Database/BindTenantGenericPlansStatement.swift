import PostgresNIO

/// Binds the transaction's tenant, like ``BindTenantStatement``, and makes its prepared statements use their generic
/// plan (see ``Database/withTenantTransaction(_:genericPlans:_:)``). All three settings are local to the transaction.
enum BindTenantGenericPlansStatement: PreparedSQL {
    static let name = "glavito_bind_tenant_generic_v2"
    static let sql = BindTenantStatement.sql + ",\n       set_config('plan_cache_mode', 'force_generic_plan', true)"
}
