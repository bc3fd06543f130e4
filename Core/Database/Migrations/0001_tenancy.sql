-- 0001: tenancy foundation.
-- Roles glavito_app (NOBYPASSRLS, owns nothing) and glavito_platform (BYPASSRLS, audited cross-tenant work)
-- are created by infra/postgres.sh (or by the operator) before the first migration runs.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- The tenant bound to the current transaction, or NULL.
-- A value counts only if it was bound inside the current transaction by glavito_bind_tenant: a plain SET of
-- app.tenant_id (session-wide) carries a stale binding time and is ignored, so it cannot leak through a pool.
CREATE FUNCTION glavito_current_tenant() RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE
AS $$
    SELECT CASE
        WHEN current_setting('app.tenant_bound_at', true) = extract(epoch FROM transaction_timestamp())::text
        THEN nullif(current_setting('app.tenant_id', true), '')::uuid
    END
$$;

-- Binds a tenant to the current transaction only (set_config with is_local = true is SET LOCAL).
CREATE FUNCTION glavito_bind_tenant(tenant uuid) RETURNS void
LANGUAGE sql VOLATILE
AS $$
    SELECT set_config('app.tenant_id', tenant::text, true),
           set_config('app.tenant_bound_at', extract(epoch FROM transaction_timestamp())::text, true);
$$;

CREATE TABLE tenants (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    slug        text NOT NULL,
    name        text NOT NULL,
    status      text NOT NULL DEFAULT 'active',
    plan        text NOT NULL DEFAULT 'free',
    branding    jsonb NOT NULL DEFAULT '{}'::jsonb,
    settings    jsonb NOT NULL DEFAULT '{}'::jsonb,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tenants_slug_format CHECK (slug ~ '^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$'),
    CONSTRAINT tenants_status_known CHECK (status IN ('active', 'suspended', 'deleted')),
    CONSTRAINT tenants_name_present CHECK (length(btrim(name)) > 0)
);
CREATE UNIQUE INDEX tenants_slug_key ON tenants (slug);

-- A tenant sees its own row only; the platform role bypasses this.
ALTER TABLE tenants ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenants FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenants
    USING (id = glavito_current_tenant())
    WITH CHECK (id = glavito_current_tenant());

-- Custom domains a tenant is reachable at, besides <slug>.<base domain>.
CREATE TABLE tenant_domains (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    domain      text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, domain),
    CONSTRAINT tenant_domains_lowercase CHECK (domain = lower(domain) AND domain ~ '^[a-z0-9.-]+$')
);
-- A domain belongs to one tenant. Leading tenant_id cannot express global uniqueness, so this is the one
-- index that does not lead with it; lookups by domain go through glavito_resolve_tenant below.
CREATE UNIQUE INDEX tenant_domains_domain_key ON tenant_domains (domain);

ALTER TABLE tenant_domains ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_domains FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_domains
    USING (tenant_id = glavito_current_tenant())
    WITH CHECK (tenant_id = glavito_current_tenant());

-- Resolves a request's host to a tenant before any tenant is bound. Runs as the schema owner (which bypasses RLS)
-- and returns only what routing needs: never a list, never another tenant's data.
CREATE FUNCTION glavito_resolve_tenant(host text, base_domain text)
RETURNS TABLE (id uuid, slug text, status text)
LANGUAGE sql STABLE SECURITY DEFINER
SET search_path = public, pg_temp
AS $$
    SELECT t.id, t.slug, t.status
    FROM tenants t
    WHERE t.status <> 'deleted'
      AND (
        t.slug = CASE WHEN lower(host) LIKE '%.' || lower(base_domain)
                      THEN left(lower(host), length(host) - length(base_domain) - 1) END
        OR t.id IN (SELECT d.tenant_id FROM tenant_domains d WHERE d.domain = lower(host))
      )
    LIMIT 1
$$;
REVOKE ALL ON FUNCTION glavito_resolve_tenant(text, text) FROM PUBLIC;

GRANT USAGE ON SCHEMA public TO glavito_app, glavito_platform;
GRANT EXECUTE ON FUNCTION glavito_resolve_tenant(text, text) TO glavito_app, glavito_platform;
GRANT SELECT, UPDATE ON tenants TO glavito_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenants TO glavito_platform;
GRANT SELECT, INSERT, UPDATE, DELETE ON tenant_domains TO glavito_app, glavito_platform;
GRANT SELECT ON schema_migrations TO glavito_app, glavito_platform;

-- Tables of later migrations are granted to both roles by default; each migration still enables RLS itself.
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO glavito_app, glavito_platform;
ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO glavito_app, glavito_platform;
