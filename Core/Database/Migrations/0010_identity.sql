-- 0010: identity and access. Users, roles, sessions, MFA, API keys, password resets, login throttling,
-- tenant data keys and the hash-chained audit log. Every table is a tenant table under row-level security.

-- Per-tenant data keys, wrapped by the master key (whose fingerprint is stored so rotation knows what to re-wrap).
CREATE TABLE tenant_data_keys (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    version         integer NOT NULL,
    master_key_id   text NOT NULL,
    wrapped_key     bytea NOT NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    rewrapped_at    timestamptz,
    PRIMARY KEY (tenant_id, version),
    CONSTRAINT tenant_data_keys_version_positive CHECK (version > 0)
);

-- Roles: the five built-in roles (their permissions live in code, Core/Identity/BuiltInRole.swift) and custom ones.
CREATE TABLE roles (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    key             text NOT NULL,
    name            text NOT NULL,
    built_in        boolean NOT NULL DEFAULT false,
    permissions     text[] NOT NULL DEFAULT '{}',
    data_scope      text NOT NULL DEFAULT 'own',
    mfa_required    boolean NOT NULL DEFAULT false,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, key),
    CONSTRAINT roles_key_format CHECK (key ~ '^[a-z][a-z0-9_-]{0,39}$'),
    CONSTRAINT roles_data_scope_known CHECK (data_scope IN ('all', 'teams', 'own')),
    CONSTRAINT roles_name_present CHECK (length(btrim(name)) > 0)
);

CREATE TABLE users (
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    email               text NOT NULL,
    display_name        text NOT NULL,
    password_hash       text,
    role_key            text NOT NULL,
    status              text NOT NULL DEFAULT 'active',
    teams               text[] NOT NULL DEFAULT '{}',
    password_changed_at timestamptz,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, role_key) REFERENCES roles (tenant_id, key),
    CONSTRAINT users_status_known CHECK (status IN ('active', 'invited', 'deactivated')),
    CONSTRAINT users_email_normalised CHECK (email = lower(btrim(email)) AND email LIKE '%_@_%'),
    CONSTRAINT users_display_name_present CHECK (length(btrim(display_name)) > 0)
);
-- Email is unique within a tenant, not across tenants.
CREATE UNIQUE INDEX users_email_key ON users (tenant_id, email);
CREATE INDEX users_role_idx ON users (tenant_id, role_key);

-- Sessions: only the SHA-256 of the opaque token is stored.
CREATE TABLE sessions (
    tenant_id           uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id                  uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id             uuid NOT NULL,
    token_hash          bytea NOT NULL,
    csrf_token          text NOT NULL,
    stage               text NOT NULL,
    idle_timeout        interval NOT NULL,
    created_at          timestamptz NOT NULL DEFAULT now(),
    last_seen_at        timestamptz NOT NULL DEFAULT now(),
    idle_expires_at     timestamptz NOT NULL,
    absolute_expires_at timestamptz NOT NULL,
    revoked_at          timestamptz,
    client_address      text,
    user_agent          text,
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT sessions_stage_known CHECK (stage IN ('mfa_pending', 'mfa_enrolment', 'active'))
);
CREATE UNIQUE INDEX sessions_token_key ON sessions (tenant_id, token_hash);
CREATE INDEX sessions_user_idx ON sessions (tenant_id, user_id);

-- Second factors. A factor kind other than TOTP (WebAuthn) adds a kind and its own columns.
CREATE TABLE mfa_factors (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    user_id         uuid NOT NULL,
    kind            text NOT NULL,
    secret_sealed   bytea NOT NULL,
    confirmed_at    timestamptz,
    last_used_step  bigint,
    created_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, id),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE,
    CONSTRAINT mfa_factors_kind_known CHECK (kind IN ('totp'))
);
CREATE INDEX mfa_factors_user_idx ON mfa_factors (tenant_id, user_id);

CREATE TABLE mfa_recovery_codes (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    user_id     uuid NOT NULL,
    code_hash   bytea NOT NULL,
    used_at     timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, user_id, code_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

CREATE TABLE api_keys (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    id              uuid NOT NULL DEFAULT gen_random_uuid(),
    name            text NOT NULL,
    prefix          text NOT NULL,
    secret_hash     bytea NOT NULL,
    scopes          text[] NOT NULL,
    created_by      uuid,
    created_at      timestamptz NOT NULL DEFAULT now(),
    expires_at      timestamptz,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    PRIMARY KEY (tenant_id, id),
    CONSTRAINT api_keys_name_present CHECK (length(btrim(name)) > 0)
);
CREATE UNIQUE INDEX api_keys_prefix_key ON api_keys (tenant_id, prefix);

CREATE TABLE password_reset_tokens (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    token_hash  bytea NOT NULL,
    user_id     uuid NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL,
    used_at     timestamptz,
    PRIMARY KEY (tenant_id, token_hash),
    FOREIGN KEY (tenant_id, user_id) REFERENCES users (tenant_id, id) ON DELETE CASCADE
);

-- Login throttling per account and per client address: a soft lock that expires.
CREATE TABLE login_throttle (
    tenant_id       uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    subject         text NOT NULL,
    failures        integer NOT NULL DEFAULT 0,
    window_started  timestamptz NOT NULL DEFAULT now(),
    locked_until    timestamptz,
    PRIMARY KEY (tenant_id, subject)
);

-- The audit log: per tenant, entries numbered 1, 2, 3 … each storing the hash of the previous entry.
CREATE TABLE audit_log (
    tenant_id       uuid NOT NULL REFERENCES tenants (id),
    seq             bigint NOT NULL,
    occurred_at     timestamptz NOT NULL,
    actor_kind      text NOT NULL,
    actor_id        text,
    action          text NOT NULL,
    target          text,
    client_address  text,
    details         text NOT NULL DEFAULT '{}',
    prev_hash       bytea NOT NULL,
    entry_hash      bytea NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);
CREATE INDEX audit_log_action_idx ON audit_log (tenant_id, action, seq);

-- The head of each tenant's chain: the row lock serialises appends, and the head detects truncation.
CREATE TABLE audit_heads (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    seq         bigint NOT NULL DEFAULT 0,
    head_hash   bytea NOT NULL DEFAULT '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea,
    PRIMARY KEY (tenant_id)
);

-- Signed checkpoints: an Ed25519 signature over (tenant, seq, entry hash).
CREATE TABLE audit_checkpoints (
    tenant_id   uuid NOT NULL REFERENCES tenants (id),
    seq         bigint NOT NULL,
    entry_hash  bytea NOT NULL,
    signed_at   timestamptz NOT NULL DEFAULT now(),
    key_id      text NOT NULL,
    public_key  bytea NOT NULL,
    signature   bytea NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

-- The audit log is append-only for the application and platform roles.
REVOKE UPDATE, DELETE ON audit_log FROM glavito_app, glavito_platform;
REVOKE UPDATE, DELETE ON audit_checkpoints FROM glavito_app, glavito_platform;
REVOKE DELETE ON audit_heads FROM glavito_app, glavito_platform;

ALTER TABLE tenant_data_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE tenant_data_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON tenant_data_keys USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE roles ENABLE ROW LEVEL SECURITY;
ALTER TABLE roles FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON roles USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE users ENABLE ROW LEVEL SECURITY;
ALTER TABLE users FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON users USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON sessions USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE mfa_factors ENABLE ROW LEVEL SECURITY;
ALTER TABLE mfa_factors FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mfa_factors USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE mfa_recovery_codes ENABLE ROW LEVEL SECURITY;
ALTER TABLE mfa_recovery_codes FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON mfa_recovery_codes USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON api_keys USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE password_reset_tokens ENABLE ROW LEVEL SECURITY;
ALTER TABLE password_reset_tokens FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON password_reset_tokens USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE login_throttle ENABLE ROW LEVEL SECURITY;
ALTER TABLE login_throttle FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON login_throttle USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE audit_log ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_log FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_log USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE audit_heads ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_heads FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_heads USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());
ALTER TABLE audit_checkpoints ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_checkpoints FORCE ROW LEVEL SECURITY;
CREATE POLICY tenant_isolation ON audit_checkpoints USING (tenant_id = glavito_current_tenant()) WITH CHECK (tenant_id = glavito_current_tenant());

-- Every tenant gets the five built-in roles, now and when it is created.
CREATE FUNCTION glavito_seed_built_in_roles(tenant uuid) RETURNS void
LANGUAGE sql VOLATILE
AS $$
    INSERT INTO roles (tenant_id, key, name, built_in, data_scope, mfa_required)
    VALUES (tenant, 'owner', 'Owner', true, 'all', false),
           (tenant, 'admin', 'Administrator', true, 'all', false),
           (tenant, 'supervisor', 'Supervisor', true, 'teams', false),
           (tenant, 'agent', 'Agent', true, 'own', false),
           (tenant, 'viewer', 'Viewer', true, 'all', false)
    ON CONFLICT (tenant_id, key) DO NOTHING;
$$;

CREATE FUNCTION glavito_tenants_seed_roles() RETURNS trigger
LANGUAGE plpgsql
AS $$
BEGIN
    PERFORM glavito_seed_built_in_roles(NEW.id);
    RETURN NEW;
END
$$;

CREATE TRIGGER tenants_seed_roles AFTER INSERT ON tenants
    FOR EACH ROW EXECUTE FUNCTION glavito_tenants_seed_roles();

SELECT glavito_seed_built_in_roles(id) FROM tenants;
