import PostgresNIO

/// Binds the transaction's tenant, like ``BindTenantStatement``, and makes its prepared statements use their generic
/// plan (see ``Database/withTenantTransaction(_:genericPlans:_:)``). All three settings are local to the transaction.
enum BindTenantGenericPlansStatement: PreparedSQL {
    static let name = "glavito_bind_tenant_generic_v2"
    static let sql = """
        SELECT set_config('app.tenant_id', $1::uuid::text, true),
               set_config('app.tenant_bound_at', extract(epoch FROM transaction_timestamp())::text, true),
               set_config('plan_cache_mode', 'force_generic_plan', true)
        """
}
